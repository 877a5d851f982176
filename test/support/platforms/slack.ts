import { FakePlatform, ShapeError, type RecordedRequest, type Reply } from "./server";

/**
 * A Slack incoming webhook: POST of JSON with `text` and/or Block Kit `blocks` to the secret URL;
 * answers `ok` in plain text, `invalid_blocks` / `no_text` (400) or `no_service` (404) like Slack.
 */
export class FakeSlack extends FakePlatform {
  readonly messages: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any -- messages as posted
  readonly path = "/services/T0000000/B0000000/abcdefghijklmnopqrstuvwx";

  get webhookUrl(): string {
    return `${this.url}${this.path}`;
  }

  protected route(r: RecordedRequest): Reply {
    if (r.method !== "POST" || r.path !== this.path) throw new ShapeError("no_service", 404);
    if (!String(r.headers["content-type"] ?? "").startsWith("application/json") || typeof r.body !== "object") {
      throw new ShapeError("invalid_payload", 400);
    }
    const { text, blocks } = r.body;
    if (typeof text !== "string" && !Array.isArray(blocks)) throw new ShapeError("no_text", 400);
    if (blocks !== undefined) this.checkBlocks(blocks);
    this.messages.push(r.body);
    return { status: 200, text: "ok" };
  }

  private checkBlocks(blocks: any[]): void { // eslint-disable-line @typescript-eslint/no-explicit-any -- Block Kit JSON
    const bad = () => new ShapeError("invalid_blocks", 400);
    if (blocks.length > 50) throw bad();
    for (const b of blocks) {
      if (b.type === "header") {
        if (b.text?.type !== "plain_text" || typeof b.text.text !== "string" || b.text.text.length > 150) throw bad();
      } else if (b.type === "section") {
        if (b.text && (typeof b.text.text !== "string" || b.text.text.length > 3000)) throw bad();
        if (b.fields && (b.fields.length > 10 || b.fields.some((f: { text?: string }) => (f.text ?? "").length > 2000))) throw bad();
        if (!b.text && !b.fields) throw bad();
      } else if (b.type === "context") {
        if (!Array.isArray(b.elements) || b.elements.length > 10) throw bad();
      } else if (b.type !== "divider") {
        throw bad();
      }
    }
  }
}
