import { describe, expect, it } from "vitest";
import { evaluatePolicies } from "../../policies/lib/evaluate";
import { stackPolicy } from "../../policies/lib/policy";
import { isolationRules } from "../../policies/rules/isolation";
import { deployment, k8s, tenantNamespace } from "./fixtures";

const policies = isolationRules.stack.map(stackPolicy);

describe("tenant isolation", () => {
  it("passes a tenant namespace with its guard rails and workloads inside it", async () => {
    expect(await evaluatePolicies(policies, [...tenantNamespace("acme"), deployment("logclaw-acme")])).toEqual([]);
  });

  it("ignores stacks without a tenant namespace (environment stacks)", async () => {
    const crb = k8s("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", { name: "x" });
    expect(await evaluatePolicies(policies, [crb, deployment("cert-manager")])).toEqual([]);
  });

  it("flags a namespaced resource outside the tenant namespace", async () => {
    const violations = await evaluatePolicies(policies, [...tenantNamespace("acme"), deployment("logclaw-globex")]);
    expect(violations).toEqual([
      expect.objectContaining({
        policy: "tenant-isolation",
        message: "Deployment logclaw-globex/bridge: must live in the tenant namespace logclaw-acme, not logclaw-globex.",
      }),
    ]);
  });

  it("flags cluster-scoped resources beyond the allowed list", async () => {
    const role = k8s("rbac.authorization.k8s.io/v1", "ClusterRole", { name: "acme-reader" });
    const [v] = await evaluatePolicies(policies, [...tenantNamespace("acme"), role]);
    expect(v?.message).toBe("ClusterRole acme-reader: tenant stacks may not create cluster-scoped ClusterRole; move it to the environment stack.");
  });

  it("requires the default-deny policy, quota, limit range and restricted pod security", async () => {
    const [ns, , quota] = tenantNamespace("acme");
    const bare = { ...ns!, props: { ...ns!.props, metadata: { name: "logclaw-acme", labels: { "logclaw.io/tenant": "acme" } } } };
    const allowAll = k8s("networking.k8s.io/v1", "NetworkPolicy", { name: "allow", namespace: "logclaw-acme" }, {
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}] },
    });
    const messages = (await evaluatePolicies(policies, [bare, quota!, allowAll])).map((v) => v.message);
    expect(messages).toEqual([
      "Namespace logclaw-acme: add a default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress, Egress], no rules) before allowing specific flows.",
      "Namespace logclaw-acme: add a LimitRange so containers without explicit resources get bounded defaults.",
      "Namespace logclaw-acme: label it pod-security.kubernetes.io/enforce: restricted.",
    ]);
  });
});
