export type { MinedTemplate, TemplateMiner } from "./types";
export type { TemplateMinerOptions } from "./options";
export type { MinerState } from "./state";
export { WILDCARD } from "./classify";
export { createTemplateMiner, restoreTemplateMiner } from "./miner";
export { splitPreamble, type SplitLine } from "./preamble";
