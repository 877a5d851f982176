import type { Client } from "@opensearch-project/opensearch";
import { BRIDGE_STATE_INDEX, statusOf } from "../../store/opensearch";

/** A partition's pipeline state and the offset of the first message it has not seen. */
export interface PartitionCheckpoint {
  nextOffset: string;
  state: unknown;
}

/**
 * A checkpoint to save, its state serialized when it was taken: the pipeline goes on with the next
 * records while this one waits for the outputs before it.
 */
export interface CheckpointToSave {
  nextOffset: string;
  stateJson: string;
}

interface StoredCheckpoint {
  partition: string;
  nextOffset: string;
  updatedAt: string;
  /** JSON text: kept in `_source` only, never mapped field by field. */
  state: string;
}

/**
 * Window state per consumed partition, in OpenSearch (the cluster the bridge must reach anyway).
 * Written after a batch's outputs were acknowledged and before its offsets are committed, so a
 * checkpoint is never behind the committed offset: a replica taking the partition over restores it
 * and skips what the checkpoint already holds.
 */
export class CheckpointStore {
  constructor(
    private readonly client: Client,
    private readonly groupId: string,
    private readonly topic: string,
  ) {}

  private id(partition: number): string {
    return `${this.groupId}/${this.topic}/${partition}`;
  }

  async load(partition: number): Promise<PartitionCheckpoint | null> {
    try {
      const response = await this.client.get({ index: BRIDGE_STATE_INDEX, id: this.id(partition) });
      if (!response.body.found) return null;
      const stored = response.body._source as unknown as StoredCheckpoint;
      return { nextOffset: stored.nextOffset, state: JSON.parse(stored.state) as unknown };
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  async save(partition: number, checkpoint: CheckpointToSave, at: Date): Promise<void> {
    const body: StoredCheckpoint = {
      partition: this.id(partition),
      nextOffset: checkpoint.nextOffset,
      updatedAt: at.toISOString(),
      state: checkpoint.stateJson,
    };
    await this.client.index({ index: BRIDGE_STATE_INDEX, id: this.id(partition), body: body as unknown as Record<string, unknown> });
  }
}
