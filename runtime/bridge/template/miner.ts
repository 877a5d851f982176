import { createHash } from "node:crypto";
import { TokenClassifier, WILDCARD } from "./classify";
import { templateMinerOptionsSchema, type ResolvedTemplateMinerOptions, type TemplateMinerOptions } from "./options";
import type { Shape } from "./shape";
import { SHAPE_SEPARATOR, ShapeTrie } from "./shape-trie";
import { minerStateSchema, type MinerState } from "./state";
import type { MinedTemplate, TemplateMiner } from "./types";

interface Cluster {
  readonly id: string;
  /** Creation order: ties go to the oldest cluster. */
  readonly seq: number;
  /** Its words in order without the wildcards (see `skeletonOf`). */
  skeleton: string;
  /** The miner's message count when a message last joined it: eviction drops the stalest. */
  lastSeen: number;
  /** Per position: a word, a `key=` of a pair, or WILDCARD once the position varies. */
  readonly keys: string[];
  /** Per position: the template fragment shown for it. */
  readonly renders: string[];
  count: number;
  text: string;
  /**
   * The shape `generalize` last applied to it: applying the same shape again changes nothing, so a
   * message of that shape skips it until the cluster's positions change otherwise.
   */
  settledFor: Shape | undefined;
}

/**
 * Clusters of one bucket compared with a message of a new shape, most recent first. Free text
 * with many distinct words would otherwise make every new shape scan an ever-growing bucket.
 */
const MAX_BUCKET_SCAN = 256;

/** Index key of a cluster or message: its position count and first key. */
function firstKey(keys: readonly string[], length = keys.length): string {
  return `${length}${SHAPE_SEPARATOR}${keys[0] ?? ""}`;
}

/** Adds a cluster to the list under `key`, keeping the list in creation order. */
function insertBySeq(index: Map<string, Cluster[]>, key: string, cluster: Cluster): void {
  const list = index.get(key);
  if (!list) {
    index.set(key, [cluster]);
    return;
  }
  let at = list.length;
  while (at > 0 && list[at - 1].seq > cluster.seq) at--;
  list.splice(at, 0, cluster);
}

function removeFrom(index: Map<string, Cluster[]>, key: string, cluster: Cluster): void {
  const list = index.get(key)!;
  list.splice(list.indexOf(cluster), 1);
  if (list.length === 0) index.delete(key);
}

/** True when every word of `general` is the same word in `specific` (wildcards cover anything). */
function covers(general: readonly string[], specific: readonly string[]): boolean {
  for (let i = 0; i < general.length; i++) if (general[i] !== WILDCARD && general[i] !== specific[i]) return false;
  return true;
}

/** A template's words in order, its wildcards left out: equal for any parameter count. */
function skeletonOf(keys: readonly string[]): string {
  let skeleton = "";
  for (const k of keys) if (k !== WILDCARD) skeleton += k + SHAPE_SEPARATOR;
  return skeleton;
}

/** Content-derived id, so the same first template gets the same id in any run. */
function clusterId(template: string): string {
  return createHash("sha1").update(template).digest("hex").slice(0, 16);
}

/**
 * Online one-pass miner. A message is split on whitespace and each token classified once
 * (memoized): parameters whatever the log (numbers, ids, IPs, paths, dotted names, dates, pair
 * values) are masked; runs of adjacent parameters collapse into one position so variable-length
 * lists do not change the shape. Words stay literal: in real logs two messages that differ in a
 * plain word usually come from different statements. Routing, in order: a shape seen before goes
 * where it went; else, among clusters of the same position count, the oldest whose non-wildcard
 * positions the message matches; else the best one whose differing words have all been seen in a
 * parameter slot (a name after `user`, a pair value) and that keeps twice as many words as it
 * loses; else the oldest of `siblingsBeforeMerge` clusters that differ from the message in one
 * and the same word position only (the first included); else the oldest cluster with the same
 * words in the same order and another parameter count; else a new cluster. Joining a cluster
 * turns the positions that differ into wildcards; the id never changes. Beyond `maxClusters` the
 * stalest tenth is evicted.
 */
class OnlineMiner implements TemplateMiner {
  private readonly clusters: Cluster[] = [];
  /** Clusters by position count: the candidates for a partial match. */
  private readonly buckets = new Map<number, Cluster[]>();
  /** Exact shape -> cluster it was routed to: identical shapes always share a template. */
  private shapes = new Map<string, Cluster>();
  /**
   * Bumped whenever a shape's entry in `shapes` changes or goes: a trie node's `routed` cluster is
   * `shapes`' entry for its signature only when it was noted in the current epoch.
   */
  private routingEpoch = 0;
  /**
   * Clusters by position count and first key (a word or WILDCARD), oldest first: the only ones
   * that can match a message exactly, so the exact match stays complete when a position count's
   * bucket holds more clusters than a partial-match scan looks at.
   */
  private readonly byFirst = new Map<string, Cluster[]>();
  /** Clusters by skeleton, oldest first: where a message with a different parameter count goes. */
  private readonly skeletons = new Map<string, Cluster[]>();
  private valueVocabulary = new Set<string>();
  private readonly ids = new Set<string>();
  /** Messages added so far: the clock of `lastSeen`. */
  private tick = 0;
  private nextSeq = 0;
  private readonly shapeTrie = new ShapeTrie<Cluster>(new TokenClassifier());

  constructor(private readonly options: ResolvedTemplateMinerOptions) {}

  add(message: string): MinedTemplate {
    this.tick++;
    const walked = this.shapeTrie.of(message);
    const { shape, signature } = walked;
    if (shape.values) for (const value of shape.values) this.rememberValue(value);
    let cluster = walked.routedEpoch === this.routingEpoch ? walked.routed : this.shapes.get(signature);
    let isNew = false;
    if (!cluster) {
      const bucketKey = this.bucketKey(shape.keys);
      let bucket = this.buckets.get(bucketKey);
      if (!bucket) {
        bucket = [];
        this.buckets.set(bucketKey, bucket);
      }
      cluster = this.match(bucket, shape.keys) ?? this.matchSkeleton(shape.keys);
      if (!cluster) {
        cluster = this.open(shape);
        bucket.push(cluster);
        isNew = true;
      }
      if (this.shapes.size >= this.options.maxShapes) {
        this.shapes = new Map();
        this.routingEpoch++;
      }
      this.shapes.set(signature, cluster);
    }
    walked.routed = cluster;
    walked.routedEpoch = this.routingEpoch;
    cluster.lastSeen = this.tick;
    if (!isNew) {
      cluster.count++;
      if (cluster.settledFor !== shape && this.generalize(cluster, shape)) cluster = this.foldSubsumed(cluster);
    } else if (this.clusters.length > this.options.maxClusters) this.evict();
    return { id: cluster.id, template: cluster.text, isNew, count: cluster.count };
  }

  exportState(): MinerState {
    const index = new Map(this.clusters.map((c, i) => [c, i]));
    return {
      version: 1,
      options: { ...this.options },
      tick: this.tick,
      clusters: this.clusters.map((c) => ({
        id: c.id,
        keys: [...c.keys],
        renders: [...c.renders],
        count: c.count,
        lastSeen: c.lastSeen,
      })),
      shapes: [...this.shapes].map(([s, c]) => [s, index.get(c)!] as [string, number]),
      valueVocabulary: [...this.valueVocabulary],
    };
  }

  /** Loads a validated checkpoint into this (empty) miner. */
  load(state: MinerState): void {
    for (const c of state.clusters) {
      const cluster: Cluster = {
        id: c.id,
        seq: this.nextSeq++,
        skeleton: skeletonOf(c.keys),
        lastSeen: c.lastSeen ?? 0,
        keys: [...c.keys],
        renders: [...c.renders],
        count: c.count,
        text: c.renders.join(" "),
        settledFor: undefined,
      };
      this.clusters.push(cluster);
      this.indexSkeleton(cluster);
      insertBySeq(this.byFirst, firstKey(cluster.keys), cluster);
      this.ids.add(c.id);
      const bucketKey = this.bucketKey(cluster.keys);
      const bucket = this.buckets.get(bucketKey) ?? [];
      this.buckets.set(bucketKey, bucket);
      bucket.push(cluster);
    }
    for (const [signature, i] of state.shapes) this.shapes.set(signature, this.clusters[i]);
    this.routingEpoch++;
    this.tick = state.tick ?? 0;
    this.valueVocabulary = new Set(state.valueVocabulary);
  }

  /**
   * Candidates for a partial match share the position count only. Keying them on the first word
   * too would give every value of a variable first token (a host, a program, an id that is not
   * typed) its own bucket, where the sibling rule could never see that position vary.
   */
  private bucketKey(keys: readonly string[]): number {
    return keys.length;
  }

  /**
   * Among the bucket's most recent clusters: the oldest exact match; else the best match whose
   * differing words are known parameter values, when it keeps at least `minSiblingConstants`
   * words and twice as many as it turns into wildcards (learned values must not wash a template
   * out into wildcards that swallow other events); else, when `siblingsBeforeMerge` clusters
   * already differ from the message in one and the same word position only, sharing at least
   * `minSiblingConstants` words, the oldest of them: that position has shown itself to be a
   * parameter.
   */
  private match(bucket: readonly Cluster[], keys: readonly string[]): Cluster | undefined {
    const exact = this.matchExactly(keys);
    if (exact) return exact;
    let best: Cluster | undefined;
    let bestScore = -1;
    /** Per word position: the clusters differing from the message there and nowhere else. */
    let siblings: Map<number, Cluster[]> | undefined;
    for (let b = Math.max(0, bucket.length - MAX_BUCKET_SCAN); b < bucket.length; b++) {
      const c = bucket[b];
      let matched = 0;
      let differing = 0;
      let unknown = 0;
      let unknownAt = -1;
      for (let i = 0; i < keys.length; i++) {
        const t = c.keys[i];
        if (t === WILDCARD || t === keys[i]) {
          if (t !== WILDCARD) matched++;
          continue;
        }
        if (this.valueVocabulary.has(t) && this.valueVocabulary.has(keys[i])) differing++;
        else if (++unknown > 1) break;
        else unknownAt = i;
      }
      if (unknown === 0) {
        if (matched >= 2 * differing && matched >= this.options.minSiblingConstants && matched - differing > bestScore) {
          bestScore = matched - differing;
          best = c;
        }
      } else if (unknown === 1 && differing === 0 && matched >= this.options.minSiblingConstants) {
        siblings ??= new Map();
        const list = siblings.get(unknownAt) ?? [];
        list.push(c);
        siblings.set(unknownAt, list);
      }
    }
    if (best || !siblings) return best;
    for (const [position, list] of siblings) {
      if (list.length < this.options.siblingsBeforeMerge) continue;
      for (const c of list) this.rememberValue(c.keys[position]);
      this.rememberValue(keys[position]);
      this.absorb(list[0], list.slice(1));
      return list[0];
    }
    return undefined;
  }

  /**
   * The oldest cluster whose words the message has at the same positions: among those with the
   * message's first key and those with a wildcard first (the most recent MAX_BUCKET_SCAN of each).
   */
  private matchExactly(keys: readonly string[]): Cluster | undefined {
    let found: Cluster | undefined;
    const lists = [this.byFirst.get(firstKey(keys))];
    if (keys[0] !== WILDCARD) lists.push(this.byFirst.get(firstKey([WILDCARD], keys.length)));
    for (const list of lists) {
      if (!list) continue;
      for (let b = Math.max(0, list.length - MAX_BUCKET_SCAN); b < list.length; b++) {
        const c = list[b];
        if (found && c.seq > found.seq) break;
        if (covers(c.keys, keys)) {
          found = c;
          break;
        }
      }
    }
    return found;
  }

  private open(shape: Shape): Cluster {
    const renders = shape.infos.map((info) => info.render);
    const text = renders.join(" ");
    let id = clusterId(text);
    for (let n = 1; this.ids.has(id); n++) id = clusterId(`${text}${SHAPE_SEPARATOR}${n}`);
    this.ids.add(id);
    const cluster: Cluster = {
      id,
      seq: this.nextSeq++,
      skeleton: skeletonOf(shape.keys),
      lastSeen: this.tick,
      keys: [...shape.keys],
      renders,
      count: 1,
      text,
      settledFor: shape,
    };
    this.clusters.push(cluster);
    this.indexSkeleton(cluster);
    insertBySeq(this.byFirst, firstKey(cluster.keys), cluster);
    return cluster;
  }

  /**
   * A message whose words are a cluster's words in the same order, only with more or fewer
   * parameters between them (`3 bytes sent` / `1190 bytes (1.16 KB) sent`), is that cluster's
   * event with a variable-length parameter. Needs `minSiblingConstants` words, so that a message
   * made of parameters and one or two words does not join whatever shares those words, and a
   * parameter on both sides: a message without any (`register:` / `register: 0x1f`) is a
   * statement of its own more often than a list that happens to be empty.
   */
  private matchSkeleton(keys: readonly string[]): Cluster | undefined {
    let words = 0;
    for (const k of keys) if (k !== WILDCARD) words++;
    if (words < this.options.minSiblingConstants || words === keys.length) return undefined;
    const list = this.skeletons.get(skeletonOf(keys));
    if (!list) return undefined;
    // Same position count with the words elsewhere is another arrangement, not another length.
    for (const c of list) if (c.keys.length !== words && c.keys.length !== keys.length) return c;
    return undefined;
  }

  private indexSkeleton(cluster: Cluster): void {
    insertBySeq(this.skeletons, cluster.skeleton, cluster);
  }

  private unindexSkeleton(cluster: Cluster): void {
    removeFrom(this.skeletons, cluster.skeleton, cluster);
  }

  /**
   * Turns the positions where this message differs into wildcards; the id never changes. True
   * when a word position became a wildcard.
   */
  private generalize(cluster: Cluster, shape: Shape): boolean {
    // A message joined through its skeleton has another parameter count: its positions do not
    // line up with the cluster's, and its words are the cluster's anyway.
    cluster.settledFor = shape;
    if (shape.keys.length !== cluster.keys.length) return false;
    const first = cluster.keys[0];
    let changed = false;
    let wordsChanged = false;
    for (let i = 0; i < shape.keys.length; i++) {
      if (cluster.renders[i] === WILDCARD) continue;
      if (cluster.keys[i] !== shape.keys[i]) {
        wordsChanged ||= cluster.keys[i] !== WILDCARD;
        cluster.keys[i] = WILDCARD;
        cluster.renders[i] = WILDCARD;
        changed = true;
      } else if (cluster.renders[i] !== shape.infos[i].render) {
        cluster.renders[i] = shape.infos[i].generic;
        changed = true;
      }
    }
    if (changed) cluster.text = cluster.renders.join(" ");
    if (wordsChanged) this.reindex(cluster, first);
    return wordsChanged;
  }

  /** Re-files a cluster whose words changed; `first` is its first key before the change. */
  private reindex(cluster: Cluster, first: string): void {
    this.unindexSkeleton(cluster);
    cluster.skeleton = skeletonOf(cluster.keys);
    this.indexSkeleton(cluster);
    if (cluster.keys[0] === first) return;
    removeFrom(this.byFirst, firstKey([first], cluster.keys.length), cluster);
    insertBySeq(this.byFirst, firstKey(cluster.keys), cluster);
  }

  /**
   * A cluster that just gained a wildcard may now cover clusters opened before that position was
   * known to vary (`Failed password for uucp ...` once the user position is a parameter): they
   * are folded into the oldest of them all, which takes the wildcards of the covering one. Later
   * messages of the folded clusters go to it, so one event does not stay split for good.
   */
  private foldSubsumed(cluster: Cluster): Cluster {
    const bucket = this.buckets.get(this.bucketKey(cluster.keys))!;
    const covered = bucket.filter((o) => o !== cluster && covers(cluster.keys, o.keys));
    if (covered.length === 0) return cluster;
    const group = [cluster, ...covered].sort((a, b) => a.seq - b.seq);
    const survivor = group[0];
    if (survivor !== cluster) {
      const first = survivor.keys[0];
      let wordsChanged = false;
      for (let i = 0; i < cluster.keys.length; i++) {
        if (survivor.keys[i] !== cluster.keys[i]) {
          wordsChanged ||= survivor.keys[i] !== WILDCARD;
          survivor.keys[i] = WILDCARD;
          survivor.renders[i] = WILDCARD;
        } else if (survivor.renders[i] !== cluster.renders[i]) survivor.renders[i] = WILDCARD;
      }
      survivor.text = survivor.renders.join(" ");
      survivor.settledFor = undefined;
      if (wordsChanged) this.reindex(survivor, first);
    }
    this.absorb(survivor, group.slice(1));
    return survivor;
  }

  /**
   * Drops the tenth of the clusters that were joined least recently, with everything that points
   * to them: memory stays bounded on a stream of ever-new templates. An evicted template that
   * comes back opens a new cluster under the same content-derived id.
   */
  private evict(): void {
    const drop = Math.ceil(this.clusters.length / 10);
    const stale = new Set(
      [...this.clusters].sort((a, b) => a.lastSeen - b.lastSeen || a.seq - b.seq).slice(0, drop),
    );
    const kept = this.clusters.filter((c) => !stale.has(c));
    this.clusters.length = 0;
    this.clusters.push(...kept);
    for (const [key, bucket] of this.buckets) {
      const left = bucket.filter((c) => !stale.has(c));
      if (left.length === 0) this.buckets.delete(key);
      else this.buckets.set(key, left);
    }
    for (const c of stale) {
      this.unindexSkeleton(c);
      removeFrom(this.byFirst, firstKey(c.keys), c);
      this.ids.delete(c.id);
    }
    for (const [signature, c] of this.shapes) if (stale.has(c)) this.shapes.delete(signature);
    this.routingEpoch++;
  }

  /**
   * Folds younger sibling clusters into the oldest once their differing position has proven to be
   * a parameter: their messages go to the oldest from now on, so a word-valued parameter seen
   * before the rule fired (the first hosts, the first programs) does not keep templates of its
   * own. The oldest keeps its id; the younger ids are not returned again.
   */
  private absorb(into: Cluster, younger: readonly Cluster[]): void {
    if (younger.length === 0) return;
    const gone = new Set(younger);
    for (const c of younger) {
      into.count += c.count;
      into.lastSeen = Math.max(into.lastSeen, c.lastSeen);
      this.unindexSkeleton(c);
      removeFrom(this.byFirst, firstKey(c.keys), c);
      this.ids.delete(c.id);
      const bucket = this.buckets.get(this.bucketKey(c.keys))!;
      bucket.splice(bucket.indexOf(c), 1);
    }
    const kept = this.clusters.filter((c) => !gone.has(c));
    this.clusters.length = 0;
    this.clusters.push(...kept);
    for (const [signature, c] of this.shapes) if (gone.has(c)) this.shapes.set(signature, into);
    this.routingEpoch++;
  }

  private rememberValue(value: string): void {
    if (this.options.maxValueVocabulary === 0 || this.valueVocabulary.has(value)) return;
    if (this.valueVocabulary.size >= this.options.maxValueVocabulary) {
      // Oldest first: a Set iterates in insertion order.
      const oldest = this.valueVocabulary.values().next().value as string;
      this.valueVocabulary.delete(oldest);
    }
    this.valueVocabulary.add(value);
  }
}

/** Creates an empty miner; options are validated (zod) and defaulted. */
export function createTemplateMiner(options: TemplateMinerOptions = {}): TemplateMiner {
  return new OnlineMiner(templateMinerOptionsSchema.parse(options));
}

/**
 * Rebuilds a miner from `exportState()` output: the same clusters, ids, counts and routing
 * memory, so it continues exactly as the exported one would. Throws naming the offending path
 * when the state is not a miner state.
 */
export function restoreTemplateMiner(state: unknown): TemplateMiner {
  const parsed = minerStateSchema.safeParse(state);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid template miner state at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const miner = new OnlineMiner(parsed.data.options);
  miner.load(parsed.data);
  return miner;
}
