import type { IncidentEvent } from "../../../contracts/records";
import type { IncidentHandler, IncidentSource } from "./types";

/**
 * Local mode's source: the pipeline publishes events in-process. Events of one fingerprint are
 * handled one at a time in publish order (like one Kafka partition keyed by fingerprint); different
 * fingerprints proceed side by side, so a burst of incidents does not queue behind one another's
 * evidence lookups. `publish` resolves once its event is handled.
 */
export class InProcessIncidentSource implements IncidentSource {
  private handler: IncidentHandler | null = null;
  private readonly tails = new Map<string, Promise<void>>();

  async start(handler: IncidentHandler): Promise<void> {
    this.handler = handler;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
    this.handler = null;
  }

  publish(event: IncidentEvent): Promise<void> {
    const handler = this.handler;
    if (!handler) return Promise.reject(new Error("the incident source is not started"));
    const key = event.incident.fingerprint;
    const run = (this.tails.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => handler(event));
    const tail = run.finally(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    // The stored tail never rejects on its own; the caller of `publish` gets the rejection.
    tail.catch(() => undefined);
    this.tails.set(key, tail);
    return run;
  }
}
