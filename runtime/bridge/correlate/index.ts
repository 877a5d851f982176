export { CallGraph, parentSpanOf, peerOf } from "./call-graph";
export { blastRadius, findRootCause } from "./root-cause";
export type { PropagationView } from "./root-cause";
export { originVotes, TraceIndex } from "./trace-index";
export type { TraceEntry } from "./trace-index";
