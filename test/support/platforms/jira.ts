import { basicAuthHeader, check, FakePlatform, requireJson, ShapeError, type RecordedRequest, type Reply } from "./server";

export interface FakeJiraIssue {
  key: string;
  fields: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Jira fields are free-form JSON
  comments: unknown[];
  status: "To Do" | "Done";
}

const PRIORITIES = ["Highest", "High", "Medium", "Low", "Lowest"];

function checkAdf(doc: any, where: string): void { // eslint-disable-line @typescript-eslint/no-explicit-any -- ADF is checked structurally
  check(doc && doc.type === "doc" && doc.version === 1 && Array.isArray(doc.content), `${where} must be an ADF document (type doc, version 1)`);
}

/**
 * Jira Cloud REST API v3 as documented: Basic auth with e-mail and API token, ADF rich text,
 * 201 {id,key,self} on create, 204 on edit and transition, 404 for an unknown issue.
 */
export class FakeJira extends FakePlatform {
  readonly issues = new Map<string, FakeJiraIssue>();
  private next = 1;

  constructor(
    private readonly email: string,
    private readonly token: string,
    private readonly projectKey: string,
  ) {
    super();
  }

  protected route(r: RecordedRequest): Reply {
    if (r.headers.authorization !== basicAuthHeader(this.email, this.token)) throw new ShapeError("bad credentials", 401);
    if (r.method === "POST" && r.path === "/rest/api/3/issue") return this.create(r);
    if (r.method === "POST" && r.path === "/rest/api/3/search/jql") return this.search(r);
    const m = /^\/rest\/api\/3\/issue\/([A-Z][A-Z0-9_]*-\d+)(\/comment|\/transitions)?$/.exec(r.path);
    if (!m) throw new ShapeError(`unknown endpoint ${r.method} ${r.path}`, 404);
    const issue = this.issues.get(m[1]!);
    if (!issue) throw new ShapeError(`issue ${m[1]} does not exist`, 404, { errorMessages: ["Issue does not exist or you do not have permission to see it."] });
    if (r.method === "POST" && m[2] === "/comment") {
      requireJson(r);
      checkAdf(r.body.body, "comment body");
      issue.comments.push(r.body.body);
      return { status: 201, body: { id: String(issue.comments.length) } };
    }
    if (r.method === "GET" && m[2] === "/comment") {
      // GET /rest/api/3/issue/{key}/comment: a page of comments with ADF bodies.
      const comments = issue.comments.map((body, i) => ({ id: String(i + 1), body }));
      if (r.query.get("orderBy") === "-created") comments.reverse();
      const max = Number(r.query.get("maxResults") ?? 50);
      return { status: 200, body: { startAt: 0, maxResults: max, total: comments.length, comments: comments.slice(0, max) } };
    }
    if (r.method === "PUT" && m[2] === undefined) {
      requireJson(r);
      check(r.body.fields && typeof r.body.fields === "object", "fields is required");
      if (r.body.fields.priority) check(PRIORITIES.includes(r.body.fields.priority.name), "unknown priority");
      Object.assign(issue.fields, r.body.fields);
      return { status: 204 };
    }
    if (r.method === "GET" && m[2] === "/transitions") {
      return {
        status: 200,
        body: {
          transitions: [
            { id: "11", name: "To Do", to: { name: "To Do", statusCategory: { key: "new" } } },
            { id: "21", name: "In Progress", to: { name: "In Progress", statusCategory: { key: "indeterminate" } } },
            { id: "31", name: "Done", to: { name: "Done", statusCategory: { key: "done" } } },
          ],
        },
      };
    }
    if (r.method === "POST" && m[2] === "/transitions") {
      requireJson(r);
      check(typeof r.body.transition?.id === "string", "transition.id is required");
      check(["11", "21", "31"].includes(r.body.transition.id), "unknown transition");
      if (r.body.transition.id === "31") issue.status = "Done";
      return { status: 204 };
    }
    throw new ShapeError(`unknown endpoint ${r.method} ${r.path}`, 404);
  }

  private create(r: RecordedRequest): Reply {
    requireJson(r);
    const f = r.body.fields;
    check(f && typeof f === "object", "fields is required");
    check(f.project?.key === this.projectKey, "fields.project.key must name the project");
    check(typeof f.issuetype?.name === "string", "fields.issuetype.name is required");
    check(typeof f.summary === "string" && f.summary.length > 0 && f.summary.length <= 255, "fields.summary must be 1..255 characters");
    check(!/[\r\n]/.test(f.summary), "fields.summary must be one line");
    checkAdf(f.description, "fields.description");
    check(PRIORITIES.includes(f.priority?.name), "fields.priority.name must be a Jira priority");
    check(Array.isArray(f.labels) && f.labels.every((l: unknown) => typeof l === "string" && !/\s/.test(l)), "labels must be strings without spaces");
    check(f.labels.some((l: string) => l.startsWith("logclaw-")), "the fingerprint label is missing");
    const key = `${this.projectKey}-${this.next++}`;
    this.issues.set(key, { key, fields: f, comments: [], status: "To Do" });
    return { status: 201, body: { id: String(10000 + this.next), key, self: `${this.url}/rest/api/3/issue/${key}` } };
  }

  private search(r: RecordedRequest): Reply {
    requireJson(r);
    check(typeof r.body.jql === "string", "jql is required");
    const label = /labels = "([^"]+)"/.exec(r.body.jql)?.[1];
    const issues = [...this.issues.values()].filter((i) => i.status !== "Done" && (!label || i.fields.labels.includes(label)));
    return { status: 200, body: { issues: issues.slice(0, r.body.maxResults ?? 50).map((i) => ({ id: i.key, key: i.key })) } };
  }

  /** Issues created, in order. */
  get created(): FakeJiraIssue[] {
    return [...this.issues.values()];
  }
}
