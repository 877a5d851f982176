import { randomBytes } from "node:crypto";
import { basicAuthHeader, check, FakePlatform, requireJson, ShapeError, type RecordedRequest, type Reply } from "./server";

export interface FakeSnIncident {
  sys_id: string;
  number: string;
  fields: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- table records are free-form
  workNotes: string[];
}

/**
 * ServiceNow Table API on `incident`: Basic auth, JSON in and out (`Accept: application/json`),
 * records wrapped in `result`, 201 on insert, 200 on PATCH, 404 for an unknown sys_id. Resolving
 * (state 6) requires close_code and close_notes, like the base system's data policy.
 */
export class FakeServiceNow extends FakePlatform {
  readonly incidents = new Map<string, FakeSnIncident>();
  private next = 10001;

  constructor(
    private readonly username: string,
    private readonly password: string,
  ) {
    super();
  }

  protected route(r: RecordedRequest): Reply {
    if (r.headers.authorization !== basicAuthHeader(this.username, this.password)) {
      throw new ShapeError("User Not Authenticated", 401, { error: { message: "User Not Authenticated" }, status: "failure" });
    }
    check(String(r.headers.accept ?? "").includes("application/json"), "Accept must be application/json");
    if (r.path === "/api/now/table/incident" && r.method === "POST") return this.insert(r);
    if (r.path === "/api/now/table/sys_journal_field" && r.method === "GET") {
      // Work notes live in the journal table: element_id is the incident's sys_id, element the field.
      const query = r.query.get("sysparm_query") ?? "";
      const id = /element_id=([^^]+)/.exec(query)?.[1];
      check(query.includes("element=work_notes"), "query the work_notes journal");
      const like = /valueLIKE([^^]+)/.exec(query)?.[1];
      const notes = (id ? this.incidents.get(id)?.workNotes ?? [] : []).filter((n) => !like || n.includes(like));
      return { status: 200, body: { result: notes.slice(0, Number(r.query.get("sysparm_limit") ?? 10000)).map((value, i) => ({ sys_id: `j${i}`, value })) } };
    }
    if (r.path === "/api/now/table/incident" && r.method === "GET") {
      const query = r.query.get("sysparm_query") ?? "";
      const correlation = /correlation_id=([^^]+)/.exec(query)?.[1];
      const active = query.includes("active=true");
      const rows = [...this.incidents.values()].filter(
        (i) => (!correlation || i.fields.correlation_id === correlation) && (!active || i.fields.state !== "6"),
      );
      return { status: 200, body: { result: rows.slice(0, Number(r.query.get("sysparm_limit") ?? 10000)).map((i) => ({ sys_id: i.sys_id, number: i.number })) } };
    }
    const m = /^\/api\/now\/table\/incident\/([0-9a-f]{32})$/.exec(r.path);
    if (m && r.method === "PATCH") {
      const incident = this.incidents.get(m[1]!);
      if (!incident) throw new ShapeError("No Record found", 404, { error: { message: "No Record found" }, status: "failure" });
      requireJson(r);
      const b = r.body;
      if (b.urgency !== undefined) check(["1", "2", "3"].includes(b.urgency), "urgency must be 1, 2 or 3");
      if (b.impact !== undefined) check(["1", "2", "3"].includes(b.impact), "impact must be 1, 2 or 3");
      if (b.state === "6") check(typeof b.close_code === "string" && typeof b.close_notes === "string", "resolving needs close_code and close_notes");
      if (typeof b.work_notes === "string") incident.workNotes.push(b.work_notes);
      Object.assign(incident.fields, b);
      return { status: 200, body: { result: { sys_id: incident.sys_id, number: incident.number, ...incident.fields } } };
    }
    throw new ShapeError(`unknown endpoint ${r.method} ${r.path}`, 400);
  }

  private insert(r: RecordedRequest): Reply {
    requireJson(r);
    const b = r.body;
    check(typeof b.short_description === "string" && b.short_description.length > 0 && b.short_description.length <= 160, "short_description must be 1..160 characters");
    check(["1", "2", "3"].includes(b.urgency) && ["1", "2", "3"].includes(b.impact), "urgency and impact must be 1, 2 or 3");
    check(typeof b.correlation_id === "string" && b.correlation_id.length > 0, "correlation_id (the dedup key) is required");
    const sys_id = randomBytes(16).toString("hex");
    const number = `INC${String(this.next++).padStart(7, "0")}`;
    this.incidents.set(sys_id, { sys_id, number, fields: { ...b, state: "1" }, workNotes: [] });
    return { status: 201, body: { result: { sys_id, number } } };
  }
}
