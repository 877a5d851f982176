import { randomUUID } from "node:crypto";
import { check, FakePlatform, requireJson, ShapeError, type RecordedRequest, type Reply } from "./server";

export interface FakeOgAlert {
  alias: string;
  message: string;
  priority: string;
  count: number;
  status: "open" | "closed";
  notes: string[];
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the create request as sent
}

const PRIORITIES = ["P1", "P2", "P3", "P4", "P5"];

/**
 * OpsGenie Alert API v2: `Authorization: GenieKey <key>`; create needs message (<= 130), alias
 * <= 512, description <= 15000; one open alert per alias (a repeat create bumps its count); actions
 * address alerts by alias with `identifierType=alias`; every accepted call answers 202 + requestId.
 */
export class FakeOpsGenie extends FakePlatform {
  readonly alerts = new Map<string, FakeOgAlert>();

  constructor(private readonly apiKey: string) {
    super();
  }

  private accepted202(): Reply {
    return { status: 202, body: { result: "Request will be processed", took: 0.01, requestId: randomUUID() } };
  }

  protected route(r: RecordedRequest): Reply {
    if (r.headers.authorization !== `GenieKey ${this.apiKey}`) {
      throw new ShapeError("Key format is not valid!", 422, { message: "Key format is not valid!", took: 0, requestId: randomUUID() });
    }
    const notes = /^\/v2\/alerts\/([^/]+)\/notes$/.exec(r.path);
    if (r.method === "GET" && notes) {
      // List alert notes: newest first with order=desc, at most 100 per page.
      check(r.query.get("identifierType") === "alias", "identifierType=alias is required to address an alert by alias");
      const alert = this.alerts.get(decodeURIComponent(notes[1]!));
      if (!alert) throw new ShapeError("Alert does not exist", 404, { message: "Alert with id [...] does not exist" });
      const limit = Number(r.query.get("limit") ?? 100);
      check(limit >= 1 && limit <= 100, "limit must be 1..100");
      const list = alert.notes.map((note) => ({ note, owner: "LogClaw", createdAt: new Date(0).toISOString(), offset: "0" }));
      if (r.query.get("order") === "desc") list.reverse();
      return { status: 200, body: { data: list.slice(0, limit), took: 0, requestId: randomUUID() } };
    }
    requireJson(r);
    if (r.method === "POST" && r.path === "/v2/alerts") {
      const b = r.body;
      check(typeof b.message === "string" && b.message.length > 0 && b.message.length <= 130, "message must be 1..130 characters");
      check(typeof b.alias === "string" && b.alias.length <= 512, "alias (the dedup key) must be <= 512 characters");
      check(b.description === undefined || (typeof b.description === "string" && b.description.length <= 15000), "description must be <= 15000 characters");
      check(b.priority === undefined || PRIORITIES.includes(b.priority), "priority must be P1..P5");
      check(b.tags === undefined || (Array.isArray(b.tags) && b.tags.length <= 20), "tags must be a list of at most 20");
      check(b.details === undefined || Object.values(b.details).every((v) => typeof v === "string"), "details values must be strings");
      check(b.responders === undefined || b.responders.every((x: { type?: string }) => ["team", "user", "escalation", "schedule"].includes(x.type ?? "")), "responder type is invalid");
      const open = this.alerts.get(b.alias);
      if (open && open.status === "open") open.count += 1;
      else this.alerts.set(b.alias, { alias: b.alias, message: b.message, priority: b.priority ?? "P3", count: 1, status: "open", notes: [], body: b });
      return this.accepted202();
    }
    const m = /^\/v2\/alerts\/([^/]+)\/(notes|priority|close)$/.exec(r.path);
    if (!m) throw new ShapeError(`unknown endpoint ${r.method} ${r.path}`, 404);
    check(r.query.get("identifierType") === "alias", "identifierType=alias is required to address an alert by alias");
    const alert = this.alerts.get(decodeURIComponent(m[1]!));
    if (!alert) throw new ShapeError("Alert does not exist", 404, { message: "Alert with id [...] does not exist" });
    if (m[2] === "notes") {
      check(r.method === "POST" && typeof r.body.note === "string" && r.body.note.length <= 25000, "note is required (<= 25000)");
      if (r.body.user !== undefined) check(typeof r.body.user === "string" && r.body.user.length <= 100, "user is a display name (<= 100)");
      if (r.body.source !== undefined) check(typeof r.body.source === "string" && r.body.source.length <= 100, "source is at most 100 characters");
      alert.notes.push(r.body.note);
    } else if (m[2] === "priority") {
      check(r.method === "PUT" && PRIORITIES.includes(r.body.priority), "priority must be P1..P5");
      alert.priority = r.body.priority;
    } else {
      check(r.method === "POST", "close is a POST");
      alert.status = "closed";
    }
    return this.accepted202();
  }
}
