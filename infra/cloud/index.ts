import * as pulumi from "@pulumi/pulumi";
import { AwsCluster, type AwsClusterArgs } from "./aws";
import { ExistingCluster, type ExistingClusterArgs } from "./existing";
import { GkeCluster, type GkeClusterArgs } from "./gcp";
import type { ClusterSource } from "./types";

export * from "./aws";
export * from "./existing";
export * from "./gcp";
export * from "./types";

/** The three interchangeable cluster sources, selected by `logclaw:cloud`. */
export type CloudArgs =
  | { cloud: "aws"; aws: AwsClusterArgs }
  | { cloud: "gcp"; gcp: GkeClusterArgs }
  | { cloud: "existing"; existing: ExistingClusterArgs };

/** Creates the cluster source the config selects. */
export function createClusterSource(name: string, args: CloudArgs, opts?: pulumi.ComponentResourceOptions): ClusterSource {
  switch (args.cloud) {
    case "aws":
      return new AwsCluster(name, args.aws, opts);
    case "gcp":
      return new GkeCluster(name, args.gcp, opts);
    case "existing":
      return new ExistingCluster(name, args.existing, opts);
  }
}
