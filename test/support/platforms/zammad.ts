import { check, FakePlatform, requireJson, ShapeError, type RecordedRequest, type Reply } from "./server";

export interface FakeZammadTicket {
  id: number;
  number: string;
  title: string;
  group: string;
  customer: string;
  priority: string;
  state: string;
  articles: any[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- articles as sent
}

const PRIORITIES = ["1 low", "2 normal", "3 high"];
const STATES = ["new", "open", "closed", "pending reminder", "pending close"];

/**
 * Zammad REST API v1: `Authorization: Token token=<token>`; ticket create needs title, group,
 * customer and a first article with a body; notes are ticket_articles; updates are PUT.
 */
export class FakeZammad extends FakePlatform {
  readonly tickets = new Map<number, FakeZammadTicket>();
  private next = 1;

  constructor(private readonly token: string) {
    super();
  }

  protected route(r: RecordedRequest): Reply {
    if (r.headers.authorization !== `Token token=${this.token}`) throw new ShapeError("authentication failed", 401, { error: "authentication failed" });
    const byTicket = /^\/api\/v1\/ticket_articles\/by_ticket\/(\d+)$/.exec(r.path);
    if (r.method === "GET" && byTicket) {
      const ticket = this.tickets.get(Number(byTicket[1]));
      if (!ticket) throw new ShapeError("Couldn't find Ticket", 404, { error: "Couldn't find Ticket" });
      return { status: 200, body: ticket.articles.map((a, i) => ({ id: i + 1, ticket_id: ticket.id, ...a })) };
    }
    requireJson(r);
    const b = r.body;
    if (r.method === "POST" && r.path === "/api/v1/tickets") {
      check(typeof b.title === "string" && b.title.length > 0, "title is required");
      check(typeof b.group === "string", "group is required");
      check(typeof b.customer === "string" && b.customer.includes("@"), "customer (e-mail) is required");
      check(b.priority === undefined || PRIORITIES.includes(b.priority), "priority must be a Zammad priority name");
      check(b.article && typeof b.article.body === "string" && b.article.body.length > 0, "article.body is required");
      check(b.article.content_type === undefined || ["text/html", "text/plain"].includes(b.article.content_type), "article.content_type is invalid");
      const id = this.next++;
      this.tickets.set(id, {
        id,
        number: String(31000 + id),
        title: b.title,
        group: b.group,
        customer: b.customer,
        priority: b.priority ?? "2 normal",
        state: "new",
        articles: [b.article],
      });
      return { status: 201, body: { id, number: String(31000 + id), title: b.title, group_id: 1, state_id: 1, priority_id: 2 } };
    }
    if (r.method === "POST" && r.path === "/api/v1/ticket_articles") {
      const ticket = this.tickets.get(b.ticket_id);
      if (!ticket) throw new ShapeError("Couldn't find Ticket", 404, { error: "Couldn't find Ticket" });
      check(typeof b.body === "string" && b.body.length > 0, "body is required");
      check(typeof b.ticket_id === "number", "ticket_id must be the numeric ticket id");
      if (b.type !== undefined) check(["note", "email", "phone", "web"].includes(b.type), "type must be an article type name");
      if (b.internal !== undefined) check(typeof b.internal === "boolean", "internal must be a boolean");
      ticket.articles.push(b);
      return { status: 201, body: { id: ticket.articles.length, ticket_id: ticket.id } };
    }
    const m = /^\/api\/v1\/tickets\/(\d+)$/.exec(r.path);
    if (m && r.method === "PUT") {
      const ticket = this.tickets.get(Number(m[1]));
      if (!ticket) throw new ShapeError("Couldn't find Ticket", 404, { error: "Couldn't find Ticket" });
      if (b.priority !== undefined) check(PRIORITIES.includes(b.priority), "priority must be a Zammad priority name");
      if (b.state !== undefined) check(STATES.includes(b.state), "state must be a Zammad state name");
      if (b.priority) ticket.priority = b.priority;
      if (b.state) ticket.state = b.state;
      if (b.article) ticket.articles.push(b.article);
      return { status: 200, body: { id: ticket.id, number: ticket.number } };
    }
    throw new ShapeError(`unknown endpoint ${r.method} ${r.path}`, 404);
  }
}
