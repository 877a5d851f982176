import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { TENANT_LABEL } from "../../contracts/labels";
import { AGGREGATE_TOPIC, RAW_LOGS_TOPIC } from "../../contracts/topics";
import { k8sOptions, objectMeta, typed, type TenantContext } from "./context";
import { KAFKA_CA_DIR, KAFKA_CA_FILE } from "./env";
import { KAFKA_CA_SECRET, KAFKA_USERS, OBJECT_NAMES, kafkaBootstrap } from "./names";
import { containerSecurityContext, podSecurityContext } from "./pod-security";

export interface FlinkArgs {
  context: TenantContext;
  /** Image with the aggregation job jar; tag pinned. */
  image: string;
  /** Kafka topics and the Flink KafkaUser. */
  after: pulumi.Resource[];
}

/** Flink needs a service account that may manage its TaskManager pods and HA ConfigMaps. */
export function flinkRoleRules(): Record<string, unknown>[] {
  return [
    { apiGroups: [""], resources: ["pods", "configmaps", "services"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
    { apiGroups: ["apps"], resources: ["deployments", "deployments/finalizers"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
  ];
}

/**
 * Per-service windowed error rates from raw-logs (FlinkDeployment, `flink.apache.org/v1beta1`),
 * only where the tier enables Flink aggregation.
 */
export class Flink extends pulumi.ComponentResource {
  public readonly deploymentName: pulumi.Output<string>;

  constructor(name: string, args: FlinkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("logclaw:tenant:Flink", name, {}, opts);
    const ctx = args.context;
    const workload = OBJECT_NAMES.flink;
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-service-account`,
      { metadata: objectMeta(ctx, workload, "flink") },
      k8sOptions(this, ctx),
    );
    const role = new k8s.rbac.v1.Role(
      `${name}-role`,
      { metadata: objectMeta(ctx, workload, "flink"), rules: typed<k8s.types.input.rbac.v1.PolicyRule[]>(flinkRoleRules()) },
      k8sOptions(this, ctx),
    );
    const binding = new k8s.rbac.v1.RoleBinding(
      `${name}-role-binding`,
      {
        metadata: objectMeta(ctx, workload, "flink"),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: workload },
        subjects: [{ kind: "ServiceAccount", name: workload, namespace: ctx.namespace }],
      },
      k8sOptions(this, ctx, [role, serviceAccount]),
    );
    const partitions = ctx.plan.kafka.topics[RAW_LOGS_TOPIC].partitions;
    new k8s.apiextensions.CustomResource(
      `${name}-deployment`,
      {
        apiVersion: "flink.apache.org/v1beta1",
        kind: "FlinkDeployment",
        metadata: objectMeta(ctx, workload, "flink", { "app.kubernetes.io/name": workload }),
        spec: {
          image: args.image,
          flinkVersion: "v1_20",
          serviceAccount: workload,
          flinkConfiguration: {
            "taskmanager.numberOfTaskSlots": "2",
            "state.checkpoints.dir": "file:///flink-data/checkpoints",
            "execution.checkpointing.interval": "60s",
          },
          podTemplate: {
            metadata: { labels: { "app.kubernetes.io/name": workload, [TENANT_LABEL]: ctx.tenantId } },
            spec: {
              securityContext: { ...podSecurityContext(), runAsUser: 9999, runAsGroup: 9999, fsGroup: 9999 },
              containers: [
                {
                  name: "flink-main-container",
                  securityContext: { ...containerSecurityContext(), readOnlyRootFilesystem: false },
                  env: [
                    { name: "LOGCLAW_KAFKA_BROKERS", value: kafkaBootstrap(ctx.tenantId) },
                    { name: "LOGCLAW_KAFKA_USERNAME", value: KAFKA_USERS.flink },
                    { name: "LOGCLAW_KAFKA_PASSWORD", valueFrom: { secretKeyRef: { name: KAFKA_USERS.flink, key: "password" } } },
                    { name: "LOGCLAW_KAFKA_CA_FILE", value: KAFKA_CA_FILE },
                  ],
                  volumeMounts: [
                    { name: "kafka-ca", mountPath: KAFKA_CA_DIR, readOnly: true },
                    { name: "flink-data", mountPath: "/flink-data" },
                  ],
                },
              ],
              volumes: [
                { name: "kafka-ca", secret: { secretName: KAFKA_CA_SECRET } },
                { name: "flink-data", emptyDir: {} },
              ],
            },
          },
          jobManager: { replicas: 1, resource: { cpu: 1, memory: "2048m" } },
          taskManager: { resource: { cpu: 2, memory: "4096m" } },
          job: {
            jarURI: "local:///opt/flink/usrlib/logclaw-aggregation.jar",
            args: ["--input-topic", RAW_LOGS_TOPIC, "--output-topic", AGGREGATE_TOPIC, "--window", "60s"],
            parallelism: Math.min(partitions, 12),
            upgradeMode: "stateless",
            state: "running",
          },
        },
      },
      k8sOptions(this, ctx, [binding, ...args.after]),
    );
    this.deploymentName = pulumi.output(workload);
    this.registerOutputs({ deploymentName: this.deploymentName });
  }
}
