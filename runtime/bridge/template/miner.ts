import { createHash } from "node:crypto";
import { TokenClassifier, WILDCARD } from "./classify";
import { templateMinerOptionsSchema, type ResolvedTemplateMinerOptions, type TemplateMinerOptions } from "./options";
import { minerStateSchema, type ClusterState, type MinerState } from "./state";
import { tokenize } from "./tokenize";
import type { MinedTemplate, TemplateMiner } from "./types";

interface Cluster {
  readonly id: string;
  readonly tokens: string[];
  readonly seps: string[];
  count: number;
  /** Rendered template, rebuilt only when a position turns into a wildcard. */
  text: string;
}

function render(tokens: readonly string[], seps: readonly string[]): string {
  let out = "";
  for (let i = 0; i < tokens.length; i++) out += seps[i] + tokens[i];
  return out;
}

/** Content-derived id of a new cluster, so the same first template gives the same id in any run. */
function clusterId(template: string): string {
  return createHash("sha1").update(template).digest("hex").slice(0, 16);
}

/**
 * Drain-style online miner: messages are tokenized, obvious variables masked, then routed by token
 * count and first constant token to a bucket of clusters; a message joins the most similar cluster
 * when the share of matching constant positions reaches the threshold, turning differing positions
 * into wildcards, else it opens a cluster.
 */
class DrainMiner implements TemplateMiner {
  private readonly buckets = new Map<string, Cluster[]>();
  private readonly ids = new Set<string>();
  private readonly classifier = new TokenClassifier();

  constructor(private readonly options: ResolvedTemplateMinerOptions) {}

  add(message: string): MinedTemplate {
    const { tokens, seps } = tokenize(message);
    let first = WILDCARD;
    for (let i = 0; i < tokens.length; i++) {
      if (this.classifier.isVariable(tokens[i])) tokens[i] = WILDCARD;
      else if (first === WILDCARD) first = tokens[i];
    }
    const key = `${tokens.length} ${first}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = [];
      this.buckets.set(key, bucket);
    }
    const best = this.bestMatch(bucket, tokens);
    if (best) {
      best.count++;
      let changed = false;
      for (let i = 0; i < tokens.length; i++) {
        if (best.tokens[i] !== WILDCARD && best.tokens[i] !== tokens[i]) {
          best.tokens[i] = WILDCARD;
          changed = true;
        }
      }
      if (changed) best.text = render(best.tokens, best.seps);
      return { id: best.id, template: best.text, isNew: false, count: best.count };
    }
    const text = render(tokens, seps);
    const cluster: Cluster = { id: this.uniqueId(text), tokens, seps, count: 1, text };
    bucket.push(cluster);
    return { id: cluster.id, template: text, isNew: true, count: 1 };
  }

  exportState(): MinerState {
    const clusters: ClusterState[] = [];
    for (const bucket of this.buckets.values()) {
      for (const c of bucket) clusters.push({ id: c.id, tokens: [...c.tokens], seps: [...c.seps], count: c.count });
    }
    return { version: 1, options: { ...this.options }, clusters };
  }

  /** Re-inserts a checkpointed cluster under the bucket its template routes to. */
  restoreCluster(state: ClusterState): void {
    const first = state.tokens.find((t) => t !== WILDCARD) ?? WILDCARD;
    const key = `${state.tokens.length} ${first}`;
    const bucket = this.buckets.get(key) ?? [];
    this.buckets.set(key, bucket);
    bucket.push({ ...state, tokens: [...state.tokens], seps: [...state.seps], text: render(state.tokens, state.seps) });
    this.ids.add(state.id);
  }

  private bestMatch(bucket: readonly Cluster[], tokens: readonly string[]): Cluster | undefined {
    let best: Cluster | undefined;
    let bestSim = -1;
    for (const c of bucket) {
      let constants = 0;
      let matches = 0;
      for (let i = 0; i < tokens.length; i++) {
        const t = c.tokens[i];
        if (t === WILDCARD) continue;
        constants++;
        if (t === tokens[i]) matches++;
      }
      const sim = constants === 0 ? 1 : matches / constants;
      if (sim > bestSim) {
        bestSim = sim;
        best = c;
      }
    }
    return best && bestSim >= this.options.similarityThreshold ? best : undefined;
  }

  private uniqueId(template: string): string {
    let id = clusterId(template);
    for (let n = 1; this.ids.has(id); n++) id = clusterId(`${template}\u0000${n}`);
    this.ids.add(id);
    return id;
  }
}

/** Creates an empty miner; options are validated (zod) and defaulted. */
export function createTemplateMiner(options: TemplateMinerOptions = {}): TemplateMiner {
  return new DrainMiner(templateMinerOptionsSchema.parse(options));
}

/**
 * Rebuilds a miner from `exportState()` output: the same clusters, ids and counts, so ids stay
 * stable across restarts. Throws with the offending path when the state is not a miner state.
 */
export function restoreTemplateMiner(state: unknown): TemplateMiner {
  const parsed = minerStateSchema.safeParse(state);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid template miner state at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const miner = new DrainMiner(parsed.data.options);
  for (const cluster of parsed.data.clusters) miner.restoreCluster(cluster);
  return miner;
}
