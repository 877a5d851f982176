import { describe, expect, it } from "vitest";
import { evaluatePolicies } from "../../policies/lib/evaluate";
import { resourcePolicy } from "../../policies/lib/policy";
import { containerRules, isPinnedImage } from "../../policies/rules/containers";
import { deployment, goodContainer, k8s } from "./fixtures";

const policies = containerRules.map(resourcePolicy);
const run = (...args: Parameters<typeof deployment>) => evaluatePolicies(policies, [deployment(...args)]);

describe("container policies", () => {
  it("pass a hardened, pinned, bounded container", async () => {
    expect(await run("logclaw-acme")).toEqual([]);
  });

  it("require requests and limits", async () => {
    const c = { ...goodContainer(), resources: { requests: { cpu: "100m" } } };
    const [v] = await run("logclaw-acme", c);
    expect(v).toMatchObject({
      policy: "container-resources",
      message: "Deployment logclaw-acme/bridge: container 'app' must set resources requests.memory, limits.memory, limits.cpu.",
    });
  });

  it("can relax the CPU limit through policy config", async () => {
    const c = { ...goodContainer(), resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } } };
    const violations = await evaluatePolicies(policies, [deployment("logclaw-acme", c)], {
      "container-resources": { requireCpuLimit: false },
    });
    expect(violations).toEqual([]);
  });

  it.each([
    ["ghcr.io/logclaw/logclaw:latest", false],
    ["ghcr.io/logclaw/logclaw", false],
    ["localhost:5000/logclaw", false],
    ["localhost:5000/logclaw:1.0", true],
    ["otel/opentelemetry-collector-contrib:0.140.1", true],
    ["busybox@sha256:abc", true],
  ])("image %s pinned: %s", (image, pinned) => {
    expect(isPinnedImage(image)).toBe(pinned);
  });

  it("reject a latest image", async () => {
    const [v] = await run("logclaw-acme", { ...goodContainer(), image: "ghcr.io/logclaw/logclaw:latest" });
    expect(v?.policy).toBe("container-image-pinned");
    expect(v?.message).toContain("must be pinned to a version tag or digest");
  });

  it("require every hardening setting", async () => {
    const [v] = await run("logclaw-acme", { ...goodContainer(), securityContext: { privileged: true } });
    expect(v?.policy).toBe("container-security-context");
    expect(v?.message).toBe(
      "Deployment logclaw-acme/bridge: container 'app' must set securityContext.runAsNonRoot: true (and no runAsUser: 0); drop securityContext.privileged; set securityContext.allowPrivilegeEscalation: false; set securityContext.readOnlyRootFilesystem: true; set securityContext.capabilities.drop: [ALL].",
    );
  });

  it("accept runAsNonRoot from the pod security context", async () => {
    const c = goodContainer();
    const { runAsNonRoot: _, ...ctx } = c.securityContext;
    expect(await run("logclaw-acme", { ...c, securityContext: ctx }, { securityContext: { runAsNonRoot: true } })).toEqual([]);
  });

  it("reject host access", async () => {
    const violations = await run("logclaw-acme", goodContainer(), {
      hostNetwork: true,
      hostPID: true,
      volumes: [{ name: "logs", hostPath: { path: "/var/log" } }],
    });
    expect(violations.map((v) => v.message)).toEqual([
      "Deployment logclaw-acme/bridge: remove hostNetwork: true from the pod spec.",
      "Deployment logclaw-acme/bridge: remove hostPID: true from the pod spec.",
      "Deployment logclaw-acme/bridge: volume 'logs' must not be a hostPath; use an emptyDir or a PVC.",
    ]);
  });

  it("check CronJob pod templates and init containers", async () => {
    const cron = k8s("batch/v1", "CronJob", { name: "compact", namespace: "logclaw-acme" }, {
      spec: { jobTemplate: { spec: { template: { spec: { initContainers: [{ ...goodContainer(), name: "init", image: "busybox" }], containers: [goodContainer()] } } } } },
    });
    const violations = await evaluatePolicies(policies, [cron]);
    expect(violations.map((v) => v.policy)).toEqual(["container-image-pinned"]);
  });

  it("skip exempt namespaces", async () => {
    const violations = await evaluatePolicies(policies, [deployment("vendor", { name: "x", image: "x" })], {
      "container-resources": { exemptNamespaces: ["vendor"] },
      "container-image-pinned": { exemptNamespaces: ["vendor"] },
      "container-security-context": { exemptNamespaces: ["vendor"] },
    });
    expect(violations).toEqual([]);
  });
});
