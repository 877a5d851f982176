import { EventEmitter } from "node:events";
import type { LogDocument } from "../../../contracts/records";
import type { LogTail } from "../../ports/stores";

/** Local mode's live tail: every batch the log sink stored, handed to the open `/api/logs/tail` streams. */
export class LogFeed implements LogTail {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open tail.
    this.emitter.setMaxListeners(0);
  }

  publish(documents: readonly LogDocument[]): void {
    if (documents.length > 0) this.emitter.emit("documents", documents);
  }

  subscribe(listener: (documents: readonly LogDocument[]) => void): () => void {
    this.emitter.on("documents", listener);
    return () => this.emitter.off("documents", listener);
  }
}
