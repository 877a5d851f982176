import { CONTAINER_ENV } from "../../contracts/env";
import { credentialEnvVar, PLATFORM_CREDENTIAL_PROPERTIES, type PlatformName } from "../../contracts/tenant/schema";
import {
  KAFKA_CA_SECRET,
  KAFKA_USERS,
  OBJECT_NAMES,
  OPENSEARCH_CA_SECRET,
  OPENSEARCH_USERS,
  kafkaBootstrap,
  openSearchUrl,
  openSearchUserSecret,
  platformSecretName,
} from "./names";


export const IMAGE_REPOSITORY = "ghcr.io/logclaw/logclaw";
export const HTTP_PORT = 8080;
export const TENANT_FILE_PATH = "/etc/logclaw/tenant.yaml";
export const KAFKA_CA_DIR = "/etc/logclaw/kafka-ca";
export const OPENSEARCH_CA_DIR = "/etc/logclaw/opensearch-ca";
export const KAFKA_CA_FILE = `${KAFKA_CA_DIR}/ca.crt`;
export const OPENSEARCH_CA_FILE = `${OPENSEARCH_CA_DIR}/ca.crt`;
/** Key of the LLM API key in the LLM ExternalSecret's remote secret and in the Secret it makes. */
export const LLM_API_KEY_PROPERTY = "apiKey";

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}

function plain(name: string, value: string): EnvVar {
  return { name, value };
}

function fromSecret(name: string, secret: string, key: string): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

export interface ContainerEnvInput {
  tenantId: string;
  /**
   * Bridge only: shards and replicas of the daily log indices. The bridge writes the index
   * template at start-up, so it must carry the tier's sizing rather than its own defaults.
   */
  logIndexSizing?: { shards: number; replicas: number };
  /** Ticketing only: the Grafana URL of the tenant's dashboard, linked from tickets. */
  dashboardUrl?: string;
  /** Ticketing only: platforms configured in the tenant file. */
  platforms?: readonly PlatformName[];
  /** Ticketing only: an LLM with a credential is configured and the tier allows LLM RCA. */
  llmCredentials?: boolean;
}

/**
 * Environment of the bridge or ticketing container. Secrets appear only as `secretKeyRef`s; the
 * values never pass through Pulumi inputs.
 */
export function containerEnv(role: "bridge" | "ticketing", input: ContainerEnvInput): EnvVar[] {
  const kafkaUser = KAFKA_USERS[role];
  const openSearchUser = OPENSEARCH_USERS[role];
  const env: EnvVar[] = [
    plain(CONTAINER_ENV.tenantId, input.tenantId),
    plain(CONTAINER_ENV.tenantFile, TENANT_FILE_PATH),
    plain(CONTAINER_ENV.httpPort, String(HTTP_PORT)),
    plain(CONTAINER_ENV.kafkaBrokers, kafkaBootstrap(input.tenantId)),
    plain(CONTAINER_ENV.kafkaSaslMechanism, "scram-sha-512"),
    plain(CONTAINER_ENV.kafkaUsername, kafkaUser),
    fromSecret(CONTAINER_ENV.kafkaPassword, kafkaUser, "password"),
    plain(CONTAINER_ENV.kafkaCaFile, KAFKA_CA_FILE),
    plain(CONTAINER_ENV.openSearchUrl, openSearchUrl(input.tenantId)),
    plain(CONTAINER_ENV.openSearchUsername, openSearchUser),
    fromSecret(CONTAINER_ENV.openSearchPassword, openSearchUserSecret(openSearchUser), "password"),
    plain(CONTAINER_ENV.openSearchCaFile, OPENSEARCH_CA_FILE),
  ];
  if (role === "bridge") {
    if (input.logIndexSizing) {
      env.push(plain(CONTAINER_ENV.openSearchShards, String(input.logIndexSizing.shards)));
      env.push(plain(CONTAINER_ENV.openSearchReplicas, String(input.logIndexSizing.replicas)));
    }
    return env;
  }
  env.push(fromSecret(CONTAINER_ENV.apiToken, OBJECT_NAMES.apiTokenSecret, "token"));
  if (input.dashboardUrl) env.push(plain(CONTAINER_ENV.dashboardUrl, input.dashboardUrl));
  if (input.llmCredentials) env.push(fromSecret(CONTAINER_ENV.llmApiKey, OBJECT_NAMES.llmSecret, LLM_API_KEY_PROPERTY));
  for (const platform of input.platforms ?? []) {
    for (const property of PLATFORM_CREDENTIAL_PROPERTIES[platform]) {
      env.push(fromSecret(credentialEnvVar(platform, property), platformSecretName(platform), property));
    }
  }
  return env;
}

/** Secrets whose CA certificates the bridge and ticketing containers mount. */
export const CA_MOUNTS = [
  { volume: "kafka-ca", secret: KAFKA_CA_SECRET, dir: KAFKA_CA_DIR },
  { volume: "opensearch-ca", secret: OPENSEARCH_CA_SECRET, dir: OPENSEARCH_CA_DIR },
] as const;
