import { EventEmitter } from "node:events";

/** Counters shown in the banner and the dashboard's top bar. */
export interface LiveStats {
  tenant: string;
  logs: number;
  logsPerSecond: number;
  incidents: number;
  openIncidents: number;
  tickets: number;
  rejected: number;
  refused: number;
}

export type LiveEvent = { type: "incident"; id: string } | { type: "ticket"; id: string };

/**
 * What the dashboard pushes to browsers: a stats snapshot on a timer and a nudge whenever an
 * incident or a ticket changes (browsers then re-read the API).
 */
export class LiveFeed {
  private readonly emitter = new EventEmitter();

  constructor(readonly stats: () => LiveStats) {
    // One listener per open browser tab.
    this.emitter.setMaxListeners(0);
  }

  publish(event: LiveEvent): void {
    this.emitter.emit("event", event);
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }
}
