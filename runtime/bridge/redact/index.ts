export { createRedactor, DEFAULT_REDACTION } from "./redactor";
export type { RedactionConfig, RedactionRule, Redactor } from "./redactor";
