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
}

export const externalSecretStore: ResourceRule<StoreConfig> = {
  name: "external-secret-store",
  description: "ExternalSecrets read from the environment's ClusterSecretStore, never from a tenant-local store.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      secretStoreNames: {
        type: "array",
        items: { type: "string" },
        default: ["logclaw"],
        description: "Names of the environment ClusterSecretStores ExternalSecrets may use.",
      },
    },
  },
  check(resource, config, report) {
    if (!isKubernetesObject(resource) || !isKind(resource, "ExternalSecret")) return;
    const ref = asRecord(get(resource.props, "spec.secretStoreRef"));
    const allowed = config.secretStoreNames ?? ["logclaw"];
    if (ref["kind"] !== "ClusterSecretStore" || !allowed.includes(String(ref["name"]))) {
      report(
        `${displayName(resource)}: spec.secretStoreRef must be the environment ClusterSecretStore (${allowed.join(" or ")}), got ${String(ref["kind"] ?? "SecretStore")}/${String(ref["name"])}.`,
      );
    }
  },
};

export const secretRules = [plaintextCredentials, externalSecretStore];
