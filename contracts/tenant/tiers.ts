import type { PlatformName, TenantConfig, TierName } from "./schema";
import { PLATFORMS } from "./schema";
import type { TopicName } from "../topics";

/**
 * Tiers as code: everything a tier fixes about a tenant's data plane. The TenantStack reads only
 * these tables (through {@link resolveTenantPlan}); nothing about sizing lives in documentation.
 */

/** Kubernetes requests and limits of one container (quantities in Kubernetes notation). */
export interface ContainerResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** One Kafka node pool (a Strimzi KafkaNodePool). */
export interface KafkaPoolSpec {
  replicas: number;
  storageGi: number;
  resources: ContainerResources;
}

export interface TopicSpec {
  partitions: number;
  retentionHours: number;
}

export interface KafkaTier {
  /**
   * `combined`: one pool whose nodes are KRaft controllers and brokers at once (fewer pods).
   * `dedicated`: controllers in their own pool, so broker load never starves the metadata quorum.
   */
  topology: "combined" | "dedicated";
  /** Only for `dedicated`; an odd count keeps a KRaft majority. */
  controllers?: KafkaPoolSpec;
  brokers: KafkaPoolSpec;
  replicationFactor: number;
  minInSyncReplicas: number;
  compression: "lz4" | "zstd";
  topics: Record<TopicName, TopicSpec>;
}

/** One OpenSearch node pool. */
export interface OpenSearchPoolSpec {
  replicas: number;
  storageGi: number;
  /** JVM heap, half of the memory limit by OpenSearch's own sizing advice. */
  heap: string;
  resources: ContainerResources;
}

export interface OpenSearchTier {
  /**
   * `single`: one pool holding every role. `dedicated`: cluster-manager, data and coordinating pools,
   * so heavy queries and indexing never take the cluster-manager quorum down.
   */
  topology: "single" | "dedicated";
  /** `single` uses only this pool (all roles); `dedicated` uses it for data nodes. */
  data: OpenSearchPoolSpec;
  clusterManager?: OpenSearchPoolSpec;
  coordinating?: OpenSearchPoolSpec;
  dashboards: { replicas: number; resources: ContainerResources };
}

export interface WorkloadSpec {
  replicas: number;
  /** Upper bound a tenant override may request. */
  maxReplicas: number;
  resources: ContainerResources;
}

export interface TierSpec {
  name: TierName;
  kafka: KafkaTier;
  opensearch: OpenSearchTier;
  retention: { minDays: number; maxDays: number };
  ingest: { maxLogsPerSecond: number; maxBurst: number };
  workloads: { collector: WorkloadSpec; bridge: WorkloadSpec; ticketing: WorkloadSpec };
  /** Largest storage a tenant override may request; the tier default is the lower bound. */
  maxStorageGi: { kafka: number; opensearch: number };
  availability: {
    /** PodDisruptionBudgets (minAvailable 1) for every workload running more than one replica. */
    podDisruptionBudgets: boolean;
    /** Spread replicas over zones; `DoNotSchedule` refuses to co-locate, `ScheduleAnyway` prefers not to. */
    topologySpread: "none" | "ScheduleAnyway" | "DoNotSchedule";
  };
  features: {
    llmRca: boolean;
    ticketPlatforms: readonly PlatformName[];
  };
  /** Namespace ResourceQuota (hard) and LimitRange defaults. */
  quota: { cpu: string; memory: string; storageGi: number; pods: number };
  limitRange: ContainerResources;
}

function res(cpuReq: string, memReq: string, cpuLim: string, memLim: string): ContainerResources {
  return { requests: { cpu: cpuReq, memory: memReq }, limits: { cpu: cpuLim, memory: memLim } };
}

export const TIER_SPECS: Readonly<Record<TierName, TierSpec>> = {
  starter: {
    name: "starter",
    kafka: {
      topology: "combined",
      brokers: { replicas: 1, storageGi: 20, resources: res("500m", "2Gi", "1", "2Gi") },
      replicationFactor: 1,
      minInSyncReplicas: 1,
      compression: "lz4",
      topics: {
        "raw-logs": { partitions: 3, retentionHours: 24 },
        "raw-spans": { partitions: 3, retentionHours: 24 },
        "enriched-logs": { partitions: 3, retentionHours: 24 },
        incidents: { partitions: 1, retentionHours: 168 },
        "dead-letter": { partitions: 1, retentionHours: 168 },
      },
    },
    opensearch: {
      topology: "single",
      data: { replicas: 1, storageGi: 50, heap: "1g", resources: res("500m", "2Gi", "1", "2Gi") },
      dashboards: { replicas: 1, resources: res("100m", "512Mi", "500m", "1Gi") },
    },
    retention: { minDays: 1, maxDays: 14 },
    ingest: { maxLogsPerSecond: 5_000, maxBurst: 20_000 },
    workloads: {
      collector: { replicas: 1, maxReplicas: 2, resources: res("200m", "256Mi", "500m", "512Mi") },
      bridge: { replicas: 1, maxReplicas: 2, resources: res("250m", "512Mi", "1", "1Gi") },
      ticketing: { replicas: 1, maxReplicas: 1, resources: res("100m", "256Mi", "500m", "512Mi") },
    },
    maxStorageGi: { kafka: 100, opensearch: 200 },
    availability: { podDisruptionBudgets: false, topologySpread: "none" },
    features: { llmRca: false, ticketPlatforms: ["jira", "slack", "zammad"] },
    quota: { cpu: "8", memory: "16Gi", storageGi: 400, pods: 30 },
    limitRange: res("100m", "128Mi", "500m", "512Mi"),
  },
  standard: {
    name: "standard",
    kafka: {
      topology: "combined",
      brokers: { replicas: 3, storageGi: 100, resources: res("1", "4Gi", "2", "4Gi") },
      replicationFactor: 3,
      minInSyncReplicas: 2,
      compression: "lz4",
      topics: {
        "raw-logs": { partitions: 12, retentionHours: 48 },
        "raw-spans": { partitions: 12, retentionHours: 48 },
        "enriched-logs": { partitions: 12, retentionHours: 48 },
        incidents: { partitions: 3, retentionHours: 336 },
        "dead-letter": { partitions: 3, retentionHours: 336 },
      },
    },
    opensearch: {
      topology: "single",
      data: { replicas: 3, storageGi: 200, heap: "2g", resources: res("1", "4Gi", "2", "4Gi") },
      dashboards: { replicas: 1, resources: res("200m", "512Mi", "1", "1Gi") },
    },
    retention: { minDays: 1, maxDays: 30 },
    ingest: { maxLogsPerSecond: 50_000, maxBurst: 200_000 },
    workloads: {
      collector: { replicas: 2, maxReplicas: 6, resources: res("500m", "512Mi", "1", "1Gi") },
      bridge: { replicas: 2, maxReplicas: 6, resources: res("500m", "1Gi", "2", "2Gi") },
      ticketing: { replicas: 1, maxReplicas: 2, resources: res("200m", "256Mi", "1", "512Mi") },
    },
    maxStorageGi: { kafka: 1000, opensearch: 2000 },
    availability: { podDisruptionBudgets: true, topologySpread: "ScheduleAnyway" },
    features: {
      llmRca: true,
      ticketPlatforms: ["jira", "slack", "zammad", "pagerduty", "opsgenie"],
    },
    quota: { cpu: "32", memory: "64Gi", storageGi: 4000, pods: 60 },
    limitRange: res("100m", "128Mi", "1", "1Gi"),
  },
  enterprise: {
    name: "enterprise",
    kafka: {
      topology: "dedicated",
      controllers: { replicas: 3, storageGi: 20, resources: res("500m", "2Gi", "1", "2Gi") },
      brokers: { replicas: 3, storageGi: 500, resources: res("2", "8Gi", "4", "8Gi") },
      replicationFactor: 3,
      minInSyncReplicas: 2,
      compression: "lz4",
      topics: {
        "raw-logs": { partitions: 48, retentionHours: 72 },
        "raw-spans": { partitions: 48, retentionHours: 72 },
        "enriched-logs": { partitions: 48, retentionHours: 72 },
        incidents: { partitions: 6, retentionHours: 720 },
        "dead-letter": { partitions: 6, retentionHours: 720 },
      },
    },
    opensearch: {
      topology: "dedicated",
      clusterManager: { replicas: 3, storageGi: 20, heap: "1g", resources: res("500m", "2Gi", "1", "2Gi") },
      data: { replicas: 3, storageGi: 1000, heap: "8g", resources: res("2", "16Gi", "4", "16Gi") },
      coordinating: { replicas: 2, storageGi: 10, heap: "2g", resources: res("1", "4Gi", "2", "4Gi") },
      dashboards: { replicas: 2, resources: res("200m", "512Mi", "1", "1Gi") },
    },
    retention: { minDays: 7, maxDays: 365 },
    ingest: { maxLogsPerSecond: 500_000, maxBurst: 2_000_000 },
    workloads: {
      collector: { replicas: 3, maxReplicas: 20, resources: res("1", "1Gi", "2", "2Gi") },
      bridge: { replicas: 3, maxReplicas: 24, resources: res("1", "2Gi", "4", "4Gi") },
      ticketing: { replicas: 2, maxReplicas: 4, resources: res("250m", "512Mi", "1", "1Gi") },
    },
    maxStorageGi: { kafka: 8000, opensearch: 16000 },
    availability: { podDisruptionBudgets: true, topologySpread: "DoNotSchedule" },
    features: { llmRca: true, ticketPlatforms: PLATFORMS },
    quota: { cpu: "160", memory: "512Gi", storageGi: 40000, pods: 200 },
    limitRange: res("100m", "128Mi", "2", "2Gi"),
  },
};

/** The tier table for a tier name. */
export function tierSpec(tier: TierName): TierSpec {
  return TIER_SPECS[tier];
}

/** One violation of a tier bound: `path` is the dotted field path in the tenant file. */
export interface TierIssue {
  path: string;
  message: string;
}

/**
 * Checks a schema-valid tenant against its tier's bounds: retention, ingest rates, ticket
 * platforms, LLM RCA and overrides. An empty list means the tenant can be provisioned.
 */
export function validateTenantAgainstTier(tenant: TenantConfig): TierIssue[] {
  const tier = tierSpec(tenant.tier);
  const issues: TierIssue[] = [];
  const { minDays, maxDays } = tier.retention;
  if (tenant.retentionDays < minDays || tenant.retentionDays > maxDays) {
    issues.push({
      path: "retentionDays",
      message: `must be between ${minDays} and ${maxDays} for tier ${tier.name}`,
    });
  }
  if (tenant.ingest.logsPerSecond > tier.ingest.maxLogsPerSecond) {
    issues.push({
      path: "ingest.logsPerSecond",
      message: `must be <= ${tier.ingest.maxLogsPerSecond} for tier ${tier.name}`,
    });
  }
  if (tenant.ingest.burst > tier.ingest.maxBurst) {
    issues.push({ path: "ingest.burst", message: `must be <= ${tier.ingest.maxBurst} for tier ${tier.name}` });
  }
  for (const platform of configuredPlatforms(tenant)) {
    if (!tier.features.ticketPlatforms.includes(platform)) {
      issues.push({
        path: `integrations.${platform}`,
        message: `platform ${platform} is not available on tier ${tier.name} (allowed: ${tier.features.ticketPlatforms.join(", ")})`,
      });
    }
  }
  if (tenant.llm && !tier.features.llmRca) {
    issues.push({ path: "llm", message: `LLM root-cause analysis is not available on tier ${tier.name}` });
  }
  for (const workload of ["collector", "bridge", "ticketing"] as const) {
    const wanted = tenant.overrides.replicas?.[workload];
    const max = tier.workloads[workload].maxReplicas;
    if (wanted !== undefined && wanted > max) {
      issues.push({ path: `overrides.replicas.${workload}`, message: `must be <= ${max} for tier ${tier.name}` });
    }
  }
  const storageBounds = [
    ["kafkaGi", tier.kafka.brokers.storageGi, tier.maxStorageGi.kafka],
    ["opensearchGi", tier.opensearch.data.storageGi, tier.maxStorageGi.opensearch],
  ] as const;
  for (const [field, min, max] of storageBounds) {
    const wanted = tenant.overrides.storage?.[field];
    if (wanted !== undefined && (wanted < min || wanted > max)) {
      issues.push({
        path: `overrides.storage.${field}`,
        message: `must be between ${min} and ${max} for tier ${tier.name}`,
      });
    }
  }
  return issues;
}

/** Ticket platforms the tenant configured, in {@link PLATFORMS} order. */
export function configuredPlatforms(tenant: TenantConfig): PlatformName[] {
  return PLATFORMS.filter((p) => tenant.integrations[p] !== undefined);
}

/** What the TenantStack builds for one tenant: the tier with the tenant's overrides applied. */
export interface TenantPlan {
  tenant: TenantConfig;
  tier: TierSpec;
  kafka: KafkaTier;
  opensearch: OpenSearchTier;
  workloads: TierSpec["workloads"];
  platforms: PlatformName[];
  /** The ticketing agent needs egress to the internet (an LLM or a ticket platform is configured). */
  needsExternalEgress: boolean;
}

/** Applies a (tier-valid) tenant's overrides to its tier. */
export function resolveTenantPlan(tenant: TenantConfig): TenantPlan {
  const tier = tierSpec(tenant.tier);
  const replicas = tenant.overrides.replicas ?? {};
  const storage = tenant.overrides.storage ?? {};
  const workloads = {
    collector: { ...tier.workloads.collector, replicas: replicas.collector ?? tier.workloads.collector.replicas },
    bridge: { ...tier.workloads.bridge, replicas: replicas.bridge ?? tier.workloads.bridge.replicas },
    ticketing: { ...tier.workloads.ticketing, replicas: replicas.ticketing ?? tier.workloads.ticketing.replicas },
  };
  const kafka: KafkaTier = {
    ...tier.kafka,
    brokers: { ...tier.kafka.brokers, storageGi: storage.kafkaGi ?? tier.kafka.brokers.storageGi },
  };
  const opensearch: OpenSearchTier = {
    ...tier.opensearch,
    data: { ...tier.opensearch.data, storageGi: storage.opensearchGi ?? tier.opensearch.data.storageGi },
  };
  const platforms = configuredPlatforms(tenant);
  return {
    tenant,
    tier,
    kafka,
    opensearch,
    workloads,
    platforms,
    needsExternalEgress: platforms.length > 0 || (tenant.llm !== undefined && tier.features.llmRca),
  };
}
