import { BridgePipeline, detectionTuningSchema, pipelineStateSchema, repairEventClock, type BridgePipelineOptions } from "../../bridge/pipeline";
import { createTemplateMiner, restoreTemplateMiner } from "../../bridge/template";
import type { RedactionConfig } from "../../bridge/redact";
import type { Dismissals } from "../../bridge/lifecycle";
import type { CheckpointStore } from "./checkpoints";

/** The detection state of one owned partition and the first offset it has not processed. */
export interface PartitionRuntime {
  pipeline: BridgePipeline;
  nextOffset: bigint;
  /**
   * The last batch reached the partition's end: only then may the wall clock close windows, or a
   * backlog (a restart, a slow consumer) would find its windows closed before its records arrive.
   */
  caughtUp: boolean;
}

export interface PartitionPipelinesOptions {
  tenantId: string;
  redaction?: RedactionConfig;
  checkpoints: CheckpointStore;
  /** The replica's "not an incident" verdicts, shared by every pipeline it creates. */
  dismissals: Dismissals;
  /** Wall clock: a checkpoint whose event clock lies beyond it is repaired on load. */
  now: () => Date;
  /** One line when a checkpoint is repaired. */
  warn: (details: Record<string, unknown>, line: string) => void;
}

/**
 * One pipeline per owned partition, so per-service state follows partition ownership (the collector
 * partitions by resource attributes). A pipeline is created from the partition's checkpoint when
 * the partition is first seen, dropped when the partition is revoked, and dropped after a failed
 * batch (its state may hold records whose offsets were never committed).
 */
export class PartitionPipelines {
  private readonly owned = new Map<number, PartitionRuntime>();
  /** The tail of each partition's queue of exclusive work. */
  private readonly queues = new Map<number, Promise<unknown>>();

  constructor(private readonly options: PartitionPipelinesOptions) {}

  private fresh(): BridgePipeline {
    const { tenantId, redaction, dismissals } = this.options;
    return new BridgePipeline({ tenantId, redaction, miner: createTemplateMiner(), dismissals });
  }

  /**
   * The runtime for a partition about to process messages from `firstOffset`. A runtime whose
   * position does not match (another replica owned the partition meanwhile) is rebuilt from the
   * checkpoint.
   */
  async acquire(partition: number, firstOffset: bigint): Promise<PartitionRuntime> {
    const current = this.owned.get(partition);
    if (current && current.nextOffset >= firstOffset) return current;
    const checkpoint = await this.options.checkpoints.load(partition);
    let runtime: PartitionRuntime;
    if (checkpoint) {
      let state = pipelineStateSchema.parse(checkpoint.state);
      const repair = repairEventClock(state, this.options.now().getTime(), detectionTuningSchema.parse({}));
      if (repair) {
        state = repair.state;
        const was = new Date(repair.was).toISOString();
        this.options.warn({ partition, eventClock: was }, `checkpoint of partition ${partition} had an event clock in the future (${was}); reset to now, baselines kept`);
      }
      const options: BridgePipelineOptions = {
        tenantId: this.options.tenantId,
        redaction: this.options.redaction,
        miner: restoreTemplateMiner(state.miner),
        dismissals: this.options.dismissals,
      };
      runtime = { pipeline: BridgePipeline.restore(options, state), nextOffset: BigInt(checkpoint.nextOffset), caughtUp: false };
    } else {
      runtime = { pipeline: this.fresh(), nextOffset: firstOffset, caughtUp: false };
    }
    this.owned.set(partition, runtime);
    return runtime;
  }

  /**
   * Runs `work` once every earlier exclusive work of the partition settled: a batch and a wall-clock
   * tick never interleave between processing and checkpoint, so a checkpoint always matches its offset.
   */
  exclusive<T>(partition: number, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(partition) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.queues.set(partition, tail);
    void tail.then(() => {
      if (this.queues.get(partition) === tail) this.queues.delete(partition);
    });
    return next;
  }

  /** The runtime of a partition, if this replica owns it now. */
  current(partition: number): PartitionRuntime | undefined {
    return this.owned.get(partition);
  }

  drop(partition: number): void {
    this.owned.delete(partition);
  }

  /** Keeps only the partitions of a new assignment. */
  retain(partitions: readonly number[]): void {
    const keep = new Set(partitions);
    for (const p of [...this.owned.keys()]) if (!keep.has(p)) this.owned.delete(p);
  }

  entries(): IterableIterator<[number, PartitionRuntime]> {
    return this.owned.entries();
  }
}
