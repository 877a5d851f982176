export { createRedactor, DEFAULT_REDACTION, outgoingRedactor } from "./redactor";
export type { RedactionConfig, RedactionRule, Redactor, TextRedactor } from "./redactor";
