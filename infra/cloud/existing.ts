import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSource, SecretBackend } from "./types";

export interface ExistingClusterArgs {
  /** Kubeconfig file path or contents; unset = the ambient kubeconfig. Excludes `renderDirectory`. */
  kubeconfig?: pulumi.Input<string>;
  /** Context inside the kubeconfig; unset = its current context. */
  context?: string;
  /** Render manifests into this directory instead of applying them (no cluster needed). */
  renderDirectory?: string;
  /** Name the environment reports for the cluster (a DNS label). */
  clusterName: string;
  /** Storage class tenant volumes use (default `standard`). */
  storageClass?: string;
  /** Namespace holding LogClaw's secrets for the Kubernetes-backed secret store (default `logclaw-secrets`). */
  secretsNamespace?: string;
}

/** Validates the args before any child exists; the message names the field. */
export function validateExistingClusterArgs(args: ExistingClusterArgs): void {
  if (args.renderDirectory !== undefined && args.kubeconfig !== undefined) {
    throw new Error("ExistingCluster: kubeconfig must not be set together with renderDirectory");
  }
  if (args.renderDirectory !== undefined && args.renderDirectory.trim() === "") {
    throw new Error("ExistingCluster: renderDirectory must not be empty");
  }
}

/** Adopts a cluster that already exists (or renders for one): nothing is created in a cloud. */
export class ExistingCluster extends pulumi.ComponentResource implements ClusterSource {
  public readonly provider: k8s.Provider;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly clusterName: pulumi.Output<string>;
  public readonly storageClass: pulumi.Output<string>;
  public readonly renderDirectory?: string;
  public readonly secretBackend: SecretBackend;
  public readonly externalSecretsServiceAccountAnnotations: pulumi.Output<Record<string, string>>;
  public readonly snapshotBucket: pulumi.Output<string>;

  constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    validateExistingClusterArgs(args);
    super("logclaw:cloud:ExistingCluster", name, {}, opts);
    this.renderDirectory = args.renderDirectory;
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      args.renderDirectory !== undefined
        ? { renderYamlToDirectory: args.renderDirectory }
        : { kubeconfig: args.kubeconfig === undefined ? undefined : pulumi.secret(args.kubeconfig), context: args.context },
      { parent: this },
    );
    this.kubeconfig = pulumi.secret(pulumi.output(args.renderDirectory !== undefined ? "" : (args.kubeconfig ?? "")));
    this.clusterName = pulumi.output(args.clusterName);
    this.storageClass = pulumi.output(args.storageClass ?? "standard");
    this.secretBackend = { kind: "kubernetes", namespace: args.secretsNamespace ?? "logclaw-secrets" };
    this.externalSecretsServiceAccountAnnotations = pulumi.output<Record<string, string>>({});
    this.snapshotBucket = pulumi.output("");
    this.registerOutputs({
      kubeconfig: this.kubeconfig,
      clusterName: this.clusterName,
      storageClass: this.storageClass,
      snapshotBucket: this.snapshotBucket,
    });
  }
}
