import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { BridgePipeline, detectionTuningSchema, pipelineStateSchema, repairEventClock } from "../../bridge/pipeline";
import type { Dismissals } from "../../bridge/lifecycle";
import { createTemplateMiner, restoreTemplateMiner } from "../../bridge/template";

export const PIPELINE_STATE_FILE = "pipeline-state.json";

/**
 * The detection core with its learned state (templates, baselines, open incidents) kept in the data
 * folder: loaded at start, written atomically (temp file + rename) on save, so a restart resumes
 * detection where it stopped instead of re-learning every baseline.
 */
export function loadPipeline(
  dataDir: string,
  tenantId: string,
  logger: Logger,
  nowMs: number,
  dismissals?: Dismissals,
): { pipeline: BridgePipeline; save(): void } {
  const path = join(dataDir, PIPELINE_STATE_FILE);
  let pipeline: BridgePipeline | null = null;
  if (existsSync(path)) {
    try {
      let state = pipelineStateSchema.parse(JSON.parse(readFileSync(path, "utf8")));
      const repair = repairEventClock(state, nowMs, detectionTuningSchema.parse({}));
      if (repair) {
        state = repair.state;
        logger.warn(
          { path, eventClock: new Date(repair.was).toISOString() },
          `detection state had an event clock in the future (${new Date(repair.was).toISOString()}); reset to now, baselines kept`,
        );
      }
      pipeline = BridgePipeline.restore({ tenantId, miner: restoreTemplateMiner(state.miner), dismissals }, state);
      logger.info({ path }, "resumed detection state");
    } catch (err) {
      // A state file from another version must not keep local mode from starting: stored logs and
      // incidents are intact, only baselines are re-learned.
      logger.warn({ err, path }, "ignoring unreadable detection state; baselines start afresh");
    }
  }
  const live = pipeline ?? new BridgePipeline({ tenantId, miner: createTemplateMiner(), dismissals });
  return {
    pipeline: live,
    save: () => {
      const temp = `${path}.tmp`;
      writeFileSync(temp, JSON.stringify(live.exportState()));
      renameSync(temp, path);
    },
  };
}
