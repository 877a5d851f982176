import type { IncidentEvent } from "../../../contracts/records";

/** Handles one incident event; a rejection means "not handled", and the source redelivers it. */
export type IncidentHandler = (event: IncidentEvent) => Promise<void>;

/** Where incident events come from: the `incidents` topic in production, the local pipeline in-process. */
export interface IncidentSource {
  start(handler: IncidentHandler): Promise<void>;
  stop(): Promise<void>;
}
