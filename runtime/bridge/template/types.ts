/** What the online template miner returns for one message. */
export interface MinedTemplate {
  /**
   * Stable id of the message's template cluster: it does not change while the cluster's template
   * gains wildcards, and is the same after a restart from exported state.
   */
  id: string;
  /** The cluster's template after seeing this message, variable parts as `<*>`. */
  template: string;
  /** True when this message opened a new cluster. */
  isNew: boolean;
  /** Messages seen in this cluster so far, this one included. */
  count: number;
}

/** An online, one-pass template miner (Drain-like): one `add` per message, in arrival order. */
export interface TemplateMiner {
  add(message: string): MinedTemplate;
  /** JSON-serializable state, for checkpoints. */
  exportState(): unknown;
}
