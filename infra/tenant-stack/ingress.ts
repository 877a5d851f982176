import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { k8sOptions, objectMeta, type TenantContext } from "./context";
import { OTLP_GRPC_PORT, OTLP_HTTP_PORT } from "./collector-spec";
import { OBJECT_NAMES, tenantHosts } from "./names";

export interface IngressArgs {
  context: TenantContext;
  /** Environment output `ingressDomain`; hosts are `<tenant>-otlp.<domain>` and so on. */
  ingressDomain: pulumi.Input<string>;
  /** cert-manager ClusterIssuer (environment output `clusterIssuerName`). */
  clusterIssuerName: pulumi.Input<string>;
  /** IngressClass of the environment's controller. Default `nginx`. */
  ingressClassName: string;
}

const DASHBOARDS_SERVICE = `${OBJECT_NAMES.openSearchCluster}-dashboards`;

/** A cert-manager Certificate for the tenant's hosts and Ingresses for OTLP HTTP, OTLP gRPC and Dashboards. */
export class Ingress extends pulumi.ComponentResource {
  public readonly otlpHttpHost: pulumi.Output<string>;
  public readonly otlpGrpcHost: pulumi.Output<string>;
  public readonly searchHost: pulumi.Output<string>;

  constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("logclaw:tenant:Ingress", name, {}, opts);
    const ctx = args.context;
    const hosts = pulumi.output(args.ingressDomain).apply((domain) => tenantHosts(ctx.tenantId, domain));
    const certificate = new k8s.apiextensions.CustomResource(
      `${name}-certificate`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: objectMeta(ctx, OBJECT_NAMES.tlsSecret, "ingress"),
        spec: {
          secretName: OBJECT_NAMES.tlsSecret,
          dnsNames: hosts.apply((h) => [h.otlpHttp, h.otlpGrpc, h.search]),
          issuerRef: { name: args.clusterIssuerName, kind: "ClusterIssuer", group: "cert-manager.io" },
          privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
          usages: ["digital signature", "key encipherment", "server auth"],
        },
      },
      k8sOptions(this, ctx),
    );
    const backend = (service: string, port: number) => ({ service: { name: service, port: { number: port } } });
    const rule = (host: pulumi.Output<string>, service: string, port: number) => ({
      host,
      http: { paths: [{ path: "/", pathType: "Prefix", backend: backend(service, port) }] },
    });
    const tls = [{ hosts: hosts.apply((h) => [h.otlpHttp, h.otlpGrpc, h.search]), secretName: OBJECT_NAMES.tlsSecret }];
    const after = k8sOptions(this, ctx, [certificate]);
    new k8s.networking.v1.Ingress(
      `${name}-http`,
      {
        metadata: objectMeta(ctx, "logclaw-http", "ingress", {}, {
          "nginx.ingress.kubernetes.io/proxy-body-size": `${Math.ceil(ctx.plan.tenant.ingest.maxRequestBytes / (1024 * 1024))}m`,
        }),
        spec: {
          ingressClassName: args.ingressClassName,
          tls,
          rules: [
            rule(hosts.otlpHttp, OBJECT_NAMES.collector, OTLP_HTTP_PORT),
            rule(hosts.search, DASHBOARDS_SERVICE, 5601),
          ],
        },
      },
      after,
    );
    new k8s.networking.v1.Ingress(
      `${name}-grpc`,
      {
        metadata: objectMeta(ctx, "logclaw-grpc", "ingress", {}, { "nginx.ingress.kubernetes.io/backend-protocol": "GRPC" }),
        spec: { ingressClassName: args.ingressClassName, tls, rules: [rule(hosts.otlpGrpc, OBJECT_NAMES.collector, OTLP_GRPC_PORT)] },
      },
      after,
    );
    this.otlpHttpHost = hosts.otlpHttp;
    this.otlpGrpcHost = hosts.otlpGrpc;
    this.searchHost = hosts.search;
    this.registerOutputs({ otlpHttpHost: this.otlpHttpHost, otlpGrpcHost: this.otlpGrpcHost, searchHost: this.searchHost });
  }
}
