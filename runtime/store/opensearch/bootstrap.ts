import type { Client } from "@opensearch-project/opensearch";
import { errorBodyText, statusOf } from "./errors";
import { BRIDGE_STATE_INDEX, INCIDENTS_INDEX, LOG_INDEX_PATTERN, LOG_INDEX_TEMPLATE, SPAN_INDEX_PATTERN, SPAN_INDEX_TEMPLATE } from "../../../contracts/opensearch/index-names";
import { incidentsIndexBody, logIndexTemplate, spanIndexTemplate, type IndexSettings } from "../../../contracts/opensearch/mappings";
import { retentionMinIndexAge, retentionPolicy, retentionPolicyId, type RetainedData } from "../../../contracts/opensearch/retention";

const INDEX_PATTERN: Record<RetainedData, string> = { logs: LOG_INDEX_PATTERN, spans: SPAN_INDEX_PATTERN };

export interface LifecycleOptions extends IndexSettings {
  retentionDays: number;
}

export interface LifecycleResult {
  template: "put";
  incidentsIndex: "created" | "exists";
  stateIndex: "created" | "exists";
  /** Log retention; `unavailable` when the cluster has no ISM plugin (e.g. a bare test node): retention is then not enforced. */
  retentionPolicy: PolicyStatus;
  spanTemplate: "put";
  spanRetentionPolicy: PolicyStatus;
}

type PolicyStatus = "created" | "updated" | "unchanged" | "unavailable";

async function ensureIndex(client: Client, index: string, body: Record<string, unknown>): Promise<"created" | "exists"> {
  const exists = await client.indices.exists({ index });
  if (exists.body) return "exists";
  try {
    await client.indices.create({ index, body });
    return "created";
  } catch (err) {
    // Another replica created it between our check and our create.
    if (errorBodyText(err).includes("resource_already_exists_exception")) return "exists";
    throw err;
  }
}

interface IsmPolicyResponse {
  _seq_no: number;
  _primary_term: number;
  policy: { states: Array<{ transitions?: Array<{ conditions?: { min_index_age?: string } }> }> };
}

async function ensureRetentionPolicy(client: Client, data: RetainedData, retentionDays: number): Promise<PolicyStatus> {
  const path = `/_plugins/_ism/policies/${retentionPolicyId(data)}`;
  const body = retentionPolicy(data, retentionDays);
  let current: IsmPolicyResponse | null = null;
  try {
    current = (await client.transport.request({ method: "GET", path })).body as IsmPolicyResponse;
  } catch (err) {
    // Without the ISM plugin the REST layer has no route for the path at all.
    if (errorBodyText(err).includes("no handler found")) return "unavailable";
    if (statusOf(err) !== 404) throw err;
  }
  if (current === null) {
    try {
      await client.transport.request({ method: "PUT", path, body });
      return "created";
    } catch (err) {
      if (statusOf(err) === 409) return "unchanged";
      throw err;
    }
  }
  const age = current.policy.states.flatMap((s) => s.transitions ?? []).map((t) => t.conditions?.min_index_age);
  if (age.includes(retentionMinIndexAge(retentionDays))) return "unchanged";
  await client.transport.request({
    method: "PUT",
    path,
    querystring: { if_seq_no: current._seq_no, if_primary_term: current._primary_term },
    body,
  });
  // Managed indices keep the policy version they started with: move them to the new one too, or
  // indices of an older (shorter) policy would still be deleted on its schedule.
  await client.transport.request({ method: "POST", path: `/_plugins/_ism/change_policy/${INDEX_PATTERN[data]}`, body: { policy_id: retentionPolicyId(data) } });
  return "updated";
}

/**
 * Ensures the log and span index templates, their retention policies, the incident index and the
 * bridge state index exist. Idempotent and safe to run from several replicas at once, so the bridge also works
 * where no operator created them.
 */
export async function ensureIndexLifecycle(client: Client, options: LifecycleOptions): Promise<LifecycleResult> {
  await client.indices.putIndexTemplate({ name: LOG_INDEX_TEMPLATE, body: logIndexTemplate(options) });
  const retentionPolicy = await ensureRetentionPolicy(client, "logs", options.retentionDays);
  await client.indices.putIndexTemplate({ name: SPAN_INDEX_TEMPLATE, body: spanIndexTemplate(options) });
  const spanRetentionPolicy = await ensureRetentionPolicy(client, "spans", options.retentionDays);
  const incidentsIndex = await ensureIndex(client, INCIDENTS_INDEX, incidentsIndexBody(options));
  const stateIndex = await ensureIndex(client, BRIDGE_STATE_INDEX, {
    settings: { number_of_shards: 1, number_of_replicas: options.replicas },
    mappings: { dynamic: "false", properties: { partition: { type: "keyword" }, updatedAt: { type: "date" } } },
  });
  return { template: "put", incidentsIndex, stateIndex, retentionPolicy, spanTemplate: "put", spanRetentionPolicy };
}
