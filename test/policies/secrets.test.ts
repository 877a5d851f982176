import { describe, expect, it } from "vitest";
import { evaluatePolicies } from "../../policies/lib/evaluate";
import { resourcePolicy } from "../../policies/lib/policy";
import { findCredentialInText, secretRules } from "../../policies/rules/secrets";
import { deployment, goodContainer, k8s } from "./fixtures";

const policies = secretRules.map(resourcePolicy);

describe("secret policies", () => {
  it("accept credentials by secretKeyRef and plain non-secret env", async () => {
    const c = {
      ...goodContainer(),
      env: [
        { name: "LOGCLAW_KAFKA_PASSWORD", valueFrom: { secretKeyRef: { name: "bridge", key: "password" } } },
        { name: "LOGCLAW_KAFKA_USERNAME", value: "bridge" },
        { name: "LOGCLAW_KAFKA_CA_FILE", value: "/etc/logclaw/kafka-ca/ca.crt" },
        { name: "LOGCLAW_TENANT_ID", value: "acme" },
      ],
    };
    expect(await evaluatePolicies(policies, [deployment("logclaw-acme", c)])).toEqual([]);
  });

  it("reject a password in a plain env value", async () => {
    const c = { ...goodContainer(), env: [{ name: "LOGCLAW_OPENSEARCH_PASSWORD", value: "hunter2hunter2" }] };
    const [v] = await evaluatePolicies(policies, [deployment("logclaw-acme", c)]);
    expect(v).toMatchObject({
      policy: "no-plaintext-credentials",
      message: "Deployment logclaw-acme/bridge: container 'app' env LOGCLAW_OPENSEARCH_PASSWORD holds a literal value; use valueFrom.secretKeyRef.",
    });
  });

  it("reject a credential-shaped value under an innocent name", async () => {
    const c = { ...goodContainer(), env: [{ name: "SLACK", value: "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX" }] };
    const [v] = await evaluatePolicies(policies, [deployment("logclaw-acme", c)]);
    expect(v?.message).toContain("env SLACK looks like a credential");
  });

  it("reject credentials in ConfigMaps but allow env references", async () => {
    const ok = k8s("v1", "ConfigMap", { name: "collector", namespace: "logclaw-acme" }, {
      data: { "config.yaml": "auth:\n  password: ${env:KAFKA_PASSWORD}\n  username: collector\n" },
    });
    const bad = k8s("v1", "ConfigMap", { name: "leaky", namespace: "logclaw-acme" }, { data: { "app.properties": "db.password=s3cr3tpass\n" } });
    const violations = await evaluatePolicies(policies, [ok, bad]);
    expect(violations.map((v) => v.message)).toEqual(["ConfigMap logclaw-acme/leaky: key 'app.properties' holds a credential (password=…); move it to a Secret."]);
  });

  it.each([
    ["AKIAABCDEFGHIJKLMNOP", true],
    ["-----BEGIN RSA PRIVATE KEY-----", true],
    ["token: ${env:TOKEN}", false],
    ["credentials:\n  key: logclaw/acme/jira", false],
    ["apiKey=abc", false],
  ])("findCredentialInText(%j) finds one: %s", (text, found) => {
    expect(findCredentialInText(text) !== undefined).toBe(found);
  });

  it("require ExternalSecrets to use the environment ClusterSecretStore", async () => {
    const good = k8s("external-secrets.io/v1", "ExternalSecret", { name: "jira", namespace: "logclaw-acme" }, {
      spec: { secretStoreRef: { kind: "ClusterSecretStore", name: "logclaw" } },
    });
    const local = k8s("external-secrets.io/v1", "ExternalSecret", { name: "slack", namespace: "logclaw-acme" }, {
      spec: { secretStoreRef: { name: "mine" } },
    });
    const violations = await evaluatePolicies(policies, [good, local]);
    expect(violations.map((v) => v.message)).toEqual([
      "ExternalSecret logclaw-acme/slack: spec.secretStoreRef must be the environment ClusterSecretStore (logclaw), got SecretStore/mine.",
    ]);
  });

  it("accept ExternalSecrets generated in-cluster by a Password generator, and no other generator kind", async () => {
    const generatorRef = (kind: string) => ({ dataFrom: [{ sourceRef: { generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind, name: "gen" } } }] });
    const password = k8s("external-secrets.io/v1", "ExternalSecret", { name: "opensearch-admin", namespace: "logclaw-acme" }, {
      spec: { refreshPolicy: "CreatedOnce", ...generatorRef("Password") },
    });
    const webhook = k8s("external-secrets.io/v1", "ExternalSecret", { name: "hook", namespace: "logclaw-acme" }, { spec: generatorRef("Webhook") });
    // A generator does not excuse `data` entries read from a store the environment does not own.
    const mixed = k8s("external-secrets.io/v1", "ExternalSecret", { name: "mixed", namespace: "logclaw-acme" }, {
      spec: { ...generatorRef("Password"), data: [{ secretKey: "k", remoteRef: { key: "x" } }], secretStoreRef: { kind: "SecretStore", name: "mine" } },
    });
    const violations = await evaluatePolicies(policies, [password, webhook, mixed]);
    expect(violations.map((v) => v.message)).toEqual([
      "ExternalSecret logclaw-acme/hook: dataFrom generator Webhook/gen is not an allowed generator kind (Password).",
      "ExternalSecret logclaw-acme/mixed: spec.secretStoreRef must be the environment ClusterSecretStore (logclaw), got SecretStore/mine.",
    ]);
  });
});
