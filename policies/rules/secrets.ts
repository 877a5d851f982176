import type { ResourceRule } from "../lib/policy";
import { asArray, asRecord, containersOf, displayName, get, isKind, isKubernetesObject, podSpecOf } from "../lib/resources";

const CREDENTIAL_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|ACCESS_?KEY|AUTH)/i;

/** Shapes of well-known credentials: AWS keys, PEM keys, Slack/GitHub/OpenAI-style tokens, JWTs. */
const CREDENTIAL_VALUE = [
  /\bAKIA[0-9A-Z]{16}\b/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/,
  /\bgh[pousr]_[A-Za-z0-9]{30,}/,
  /\bsk-[A-Za-z0-9_-]{20,}/,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
  /hooks\.slack\.com\/services\/[A-Z0-9]+\/[A-Z0-9]+\/[A-Za-z0-9]+/,
];

/** `password: hunter2` or `token=abc` in config text, unless the value is an env/file reference or empty. */
const INLINE_ASSIGNMENT = /\b(password|passwd|secret|token|api[_-]?key|apikey)\s*[:=]\s*["']?([^\s"',}]+)/gi;

export function findCredentialInText(text: string): string | undefined {
  for (const pattern of CREDENTIAL_VALUE) {
    const match = pattern.exec(text);
    if (match) return match[0].slice(0, 12) + "…";
  }
  for (const match of text.matchAll(INLINE_ASSIGNMENT)) {
    const value = match[2]!;
    const reference = /^(\$\{|\$[A-Z_]+|<[^>]+>|file:|env:|secretKeyRef|valueFrom|\{\{)/.test(value);
    if (!reference && value.length >= 6) return `${match[1]}=…`;
  }
  return undefined;
}

export const plaintextCredentials: ResourceRule<object> = {
  name: "no-plaintext-credentials",
  description:
    "No credential appears in a plain container env value or a ConfigMap: use secretKeyRef, ExternalSecrets or Pulumi secrets.",
  enforcementLevel: "mandatory",
  check(resource, _config, report) {
    const pod = podSpecOf(resource);
    if (pod) {
      for (const c of containersOf(pod)) {
        for (const env of asArray(c.spec["env"]).map(asRecord)) {
          const name = String(env["name"] ?? "");
          const value = env["value"];
          if (typeof value !== "string" || value === "") continue;
          if (CREDENTIAL_NAME.test(name) && !/_(FILE|PATH|URL|MECHANISM|USERNAME|USER)$/i.test(name)) {
            report(`${displayName(resource)}: container '${c.name}' env ${name} holds a literal value; use valueFrom.secretKeyRef.`);
          } else if (findCredentialInText(value)) {
            report(`${displayName(resource)}: container '${c.name}' env ${name} looks like a credential; use valueFrom.secretKeyRef.`);
          }
        }
      }
    }
    if (isKubernetesObject(resource) && isKind(resource, "ConfigMap")) {
      const data = asRecord(resource.props["data"]);
      for (const [key, value] of Object.entries(data)) {
        const found = typeof value === "string" ? findCredentialInText(value) : undefined;
        if (found) report(`${displayName(resource)}: key '${key}' holds a credential (${found}); move it to a Secret.`);
      }
    }
  },
};

export interface StoreConfig {
  secretStoreNames: string[];
  generatorKinds: string[];
}

/** The generators an ExternalSecret's `dataFrom` names (empty when it reads only from a store). */
function generatorRefs(spec: Record<string, unknown>): Record<string, unknown>[] {
  return asArray(spec["dataFrom"])
    .map((entry) => asRecord(get(asRecord(entry), "sourceRef.generatorRef")))
    .filter((ref) => Object.keys(ref).length > 0);
}

export const externalSecretStore: ResourceRule<StoreConfig> = {
  name: "external-secret-store",
  description:
    "ExternalSecrets read from the environment's ClusterSecretStore, never from a tenant-local store, or generate in-cluster with an allowed generator kind.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      secretStoreNames: {
        type: "array",
        items: { type: "string" },
        default: ["logclaw"],
        description: "Names of the environment ClusterSecretStores ExternalSecrets may use.",
      },
      generatorKinds: {
        type: "array",
        items: { type: "string" },
        default: ["Password"],
        description: "Generator kinds (in the ExternalSecret's own namespace) an ExternalSecret may take its values from.",
      },
    },
  },
  check(resource, config, report) {
    if (!isKubernetesObject(resource) || !isKind(resource, "ExternalSecret")) return;
    const spec = asRecord(resource.props["spec"]);
    const generators = generatorRefs(spec);
    const kinds = config.generatorKinds ?? ["Password"];
    for (const ref of generators) {
      if (!kinds.includes(String(ref["kind"]))) {
        report(`${displayName(resource)}: dataFrom generator ${String(ref["kind"])}/${String(ref["name"])} is not an allowed generator kind (${kinds.join(" or ")}).`);
      }
    }
    // Only an ExternalSecret that reads nothing from a store may leave the store out.
    const readsStore = asArray(spec["data"]).length > 0 || asArray(spec["dataFrom"]).length > generators.length;
    if (!readsStore && generators.length > 0) return;
    const ref = asRecord(spec["secretStoreRef"]);
    const allowed = config.secretStoreNames ?? ["logclaw"];
    if (ref["kind"] !== "ClusterSecretStore" || !allowed.includes(String(ref["name"]))) {
      report(
        `${displayName(resource)}: spec.secretStoreRef must be the environment ClusterSecretStore (${allowed.join(" or ")}), got ${String(ref["kind"] ?? "SecretStore")}/${String(ref["name"])}.`,
      );
    }
  },
};

export const secretRules = [plaintextCredentials, externalSecretStore];
