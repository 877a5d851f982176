export { InProcessIncidentSource } from "./in-process";
export { KafkaIncidentSource, type KafkaIncidentSourceOptions } from "./kafka";
export type { IncidentHandler, IncidentSource } from "./types";
export { incidentEventSchema, parseIncidentEvent } from "./validate";
