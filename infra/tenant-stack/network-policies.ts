import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { k8sOptions, objectMeta, typed, type TenantContext } from "./context";
import { networkPolicyRules, type NetworkPolicyInput } from "./network-policies-spec";

export interface NetworkPoliciesArgs {
  context: TenantContext;
  /** Flows to open; see {@link networkPolicyRules}. */
  flows: NetworkPolicyInput;
}

/** Default deny for the tenant namespace, then one policy per flow the data plane needs. */
export class NetworkPolicies extends pulumi.ComponentResource {
  public readonly policyNames: pulumi.Output<string[]>;

  constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("logclaw:tenant:NetworkPolicies", name, {}, opts);
    const ctx = args.context;
    const names = networkPolicyRules(args.flows).map((rule) => {
      const policyName = `${ctx.namespace}-${rule.suffix}`;
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${rule.suffix}`,
        { metadata: objectMeta(ctx, policyName, "network-policy"), spec: typed<k8s.types.input.networking.v1.NetworkPolicySpec>(rule.spec) },
        k8sOptions(this, ctx),
      );
      return policyName;
    });
    this.policyNames = pulumi.output(names);
    this.registerOutputs({ policyNames: this.policyNames });
  }
}
