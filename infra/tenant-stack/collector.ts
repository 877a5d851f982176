import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { k8sOptions, objectMeta, typed, type TenantContext } from "./context";
import {
  API_KEY_DIR,
  COLLECTOR_IMAGE,
  HEALTH_PORT,
  KAFKA_PASSWORD_ENV,
  METRICS_PORT,
  OTLP_GRPC_PORT,
  OTLP_HTTP_PORT,
  renderCollectorConfig,
} from "./collector-spec";
import { KAFKA_CA_DIR, KAFKA_CA_FILE } from "./env";
import { KAFKA_CA_SECRET, KAFKA_USERS, OBJECT_NAMES, kafkaBootstrap, selectorLabels } from "./names";
import { wantsPdb } from "./pod-security";
import { deploymentSpec } from "./workloads-spec";

export interface CollectorArgs {
  context: TenantContext;
  /** Kafka topics and users and the API key Secret: created before the collector starts. */
  after: pulumi.Resource[];
}

/** The tenant's OpenTelemetry Collector (contrib): OTLP in with API-key auth, Kafka out. */
export class Collector extends pulumi.ComponentResource {
  public readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: CollectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("logclaw:tenant:Collector", name, {}, opts);
    const ctx = args.context;
    const { tenant, tier, kafka, workloads } = ctx.plan;
    const workload = OBJECT_NAMES.collector;
    const config = renderCollectorConfig({
      tenantId: ctx.tenantId,
      kafkaBrokers: [kafkaBootstrap(ctx.tenantId)],
      kafkaUsername: KAFKA_USERS.collector,
      kafkaCaFile: KAFKA_CA_FILE,
      maxRequestBytes: tenant.ingest.maxRequestBytes,
      burst: tenant.ingest.burst,
      compression: kafka.compression,
    });
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: objectMeta(ctx, `${workload}-config`, "collector"), data: { "config.yaml": config } },
      k8sOptions(this, ctx),
    );
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-service-account`,
      { metadata: objectMeta(ctx, workload, "collector"), automountServiceAccountToken: false },
      k8sOptions(this, ctx),
    );
    const spec = deploymentSpec({
      tenantId: ctx.tenantId,
      workload,
      component: "collector",
      tier,
      spec: workloads.collector,
      serviceAccountName: workload,
      annotations: { "checksum/config": createHash("sha256").update(config).digest("hex") },
      container: {
        name: "otel-collector",
        image: COLLECTOR_IMAGE,
        args: ["--config=/etc/otelcol/config.yaml"],
        ports: [
          { name: "otlp-grpc", containerPort: OTLP_GRPC_PORT },
          { name: "otlp-http", containerPort: OTLP_HTTP_PORT },
          { name: "health", containerPort: HEALTH_PORT },
          { name: "metrics", containerPort: METRICS_PORT },
        ],
        env: [{ name: KAFKA_PASSWORD_ENV, valueFrom: { secretKeyRef: { name: KAFKA_USERS.collector, key: "password" } } }],
        livenessProbe: { httpGet: { path: "/", port: HEALTH_PORT }, periodSeconds: 10 },
        readinessProbe: { httpGet: { path: "/", port: HEALTH_PORT }, periodSeconds: 5 },
        volumeMounts: [
          { name: "config", mountPath: "/etc/otelcol", readOnly: true },
          { name: "api-key", mountPath: API_KEY_DIR, readOnly: true },
          { name: "kafka-ca", mountPath: KAFKA_CA_DIR, readOnly: true },
          { name: "tmp", mountPath: "/tmp" },
        ],
      },
      volumes: [
        { name: "config", configMap: { name: `${workload}-config` } },
        { name: "api-key", secret: { secretName: OBJECT_NAMES.apiKeySecret, items: [{ key: "api-key", path: "api-key" }] } },
        { name: "kafka-ca", secret: { secretName: KAFKA_CA_SECRET, items: [{ key: "ca.crt", path: "ca.crt" }] } },
      ],
    });
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      { metadata: objectMeta(ctx, workload, "collector"), spec: typed<k8s.types.input.apps.v1.DeploymentSpec>(spec) },
      k8sOptions(this, ctx, [configMap, serviceAccount, ...args.after]),
    );
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: objectMeta(ctx, workload, "collector"),
        spec: {
          selector: selectorLabels(workload),
          ports: [
            { name: "grpc-otlp", port: OTLP_GRPC_PORT, targetPort: OTLP_GRPC_PORT, appProtocol: "grpc" },
            { name: "http-otlp", port: OTLP_HTTP_PORT, targetPort: OTLP_HTTP_PORT },
          ],
        },
      },
      k8sOptions(this, ctx),
    );
    if (wantsPdb(tier, workloads.collector.replicas)) {
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        { metadata: objectMeta(ctx, workload, "collector"), spec: { minAvailable: 1, selector: { matchLabels: selectorLabels(workload) } } },
        k8sOptions(this, ctx),
      );
    }
    this.serviceName = service.metadata.name;
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
