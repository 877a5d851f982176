import type { IncidentEvent } from "../../shared/types";
import type { IncidentHandler, IncidentSource } from "./types";

/**
 * Local mode's source: the pipeline publishes events in-process. Events are handled one at a time
 * in publish order (like one Kafka partition), and `publish` resolves once its event is handled.
 */
export class InProcessIncidentSource implements IncidentSource {
  private handler: IncidentHandler | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  async start(handler: IncidentHandler): Promise<void> {
    this.handler = handler;
  }

  async stop(): Promise<void> {
    await this.tail.catch(() => undefined);
    this.handler = null;
  }

  publish(event: IncidentEvent): Promise<void> {
    const handler = this.handler;
    if (!handler) return Promise.reject(new Error("the incident source is not started"));
    const run = this.tail.catch(() => undefined).then(() => handler(event));
    this.tail = run;
    return run;
  }
}
