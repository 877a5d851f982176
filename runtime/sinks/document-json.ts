import { documentSource } from "../store/opensearch/log-store";

/**
 * Each document's JSON, built once per batch and shared by its two writers: the enriched-logs
 * publisher sends the whole document, the bulk writer its `_source` (the document without `id`).
 * The source is cut from the whole text when `id` is the document's first key (the pipeline builds
 * it so), which gives exactly the bytes `JSON.stringify(documentSource(doc))` would.
 */
export class DocumentJson {
  // A Map, not a WeakMap: it lives one batch, and a WeakMap's entries cost the garbage collector
  // extra work in every young-generation pass (ephemerons).
  private readonly whole = new Map<object, string>();

  /** The document as `JSON.stringify` writes it. */
  of(doc: { id: string }): string {
    let text = this.whole.get(doc);
    if (text === undefined) {
      text = JSON.stringify(doc);
      this.whole.set(doc, text);
    }
    return text;
  }

  /** The document without its `id`. */
  sourceOf(doc: { id: string }): string {
    const text = this.of(doc);
    const head = `{"id":${JSON.stringify(doc.id)}`;
    if (!text.startsWith(head)) return JSON.stringify(documentSource(doc));
    return text.length === head.length + 1 ? "{}" : `{${text.slice(head.length + 1)}`;
  }
}
