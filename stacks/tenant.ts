import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { TenantStack, type SecretStoreCloud } from "../infra/tenant-stack";
import { TenantFileError, loadTenantFile, type TenantConfig } from "../contracts/tenant";
import { PROJECT_ROOT as repoRoot, providerRenderDirectory } from "./render-directory";

/** The environment stack that only renders manifests to a directory (stacks/Pulumi.local.yaml). */
export const RENDER_ONLY_ENVIRONMENT = "local";

/** Where tenant files live; tests point this elsewhere. */
export interface TenantProgramOptions {
  tenantsDir?: string;
}

function readTenant(file: string): TenantConfig {
  try {
    return loadTenantFile(file, repoRoot);
  } catch (err) {
    // RunError prints the one-line problems without a stack trace; nothing is provisioned.
    if (err instanceof TenantFileError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

/**
 * The tenant stack program: reads `tenants/<id>.yaml`, references the environment stack
 * (config `logclaw:environmentStack`) and creates one TenantStack. Returns the stack outputs.
 */
export function tenantProgram(tenantId: string, options: TenantProgramOptions = {}): Record<string, pulumi.Input<unknown>> {
  const config = new pulumi.Config("logclaw");
  const tenant = readTenant(path.join(options.tenantsDir ?? path.join(repoRoot, "tenants"), `${tenantId}.yaml`));
  const environmentStack = config.require("environmentStack");
  const stackEnvironment = environmentStack.split("/").pop();
  // A tenant deploys only into its own environment, so a prod tenant never lands on the dev
  // cluster by mistake; `local` renders manifests and applies nothing, so it may render any tenant.
  if (stackEnvironment !== tenant.environment && stackEnvironment !== RENDER_ONLY_ENVIRONMENT) {
    throw new pulumi.RunError(
      `tenants/${tenantId}.yaml: environment: is ${tenant.environment} but logclaw:environmentStack is ${environmentStack}`,
    );
  }

  const environment = new pulumi.StackReference(`${tenantId}-environment`, { name: environmentStack });
  const output = (key: string) => environment.getOutput(key) as pulumi.Output<string | undefined>;
  const renderDirectory = output("renderDirectory");
  // Outside render-only mode the tenant talks to the very cluster the environment installed into:
  // same kubeconfig and same context (an `existing` cluster may be reached by context alone).
  // An output that resolves to undefined leaves the provider property unset; the SDK's
  // ProviderArgs type only admits undefined outside the Output, hence the cast.
  const unlessRendering = (key: string) =>
    pulumi.all([renderDirectory, output(key)]).apply(([dir, value]) => (dir ? undefined : value || undefined)) as pulumi.Output<string>;
  const provider = new k8s.Provider(`${tenantId}-kubernetes`, {
    kubeconfig: unlessRendering("kubeconfig"),
    context: unlessRendering("kubeContext"),
    renderYamlToDirectory: renderDirectory.apply((dir) => (dir ? providerRenderDirectory(`${dir}/tenants/${tenantId}`) : undefined)) as pulumi.Output<string>,
  });

  const imageTag = config.get("imageTag") ?? (require("../package.json") as { version: string }).version;
  const stack = new TenantStack(tenantId, {
    tenant,
    provider,
    ingressDomain: output("ingressDomain").apply((v) => v ?? ""),
    secretStoreName: output("secretStoreName").apply((v) => v ?? ""),
    cloud: environment.getOutput("cloud") as pulumi.Output<SecretStoreCloud | undefined>,
    clusterIssuerName: output("clusterIssuerName").apply((v) => v ?? ""),
    grafanaUrl: output("grafanaUrl").apply((v) => v ?? ""),
    storageClass: output("storageClass").apply((v) => v ?? ""),
    image: { repository: config.get("imageRepository"), tag: imageTag },
    apiKey: config.getSecret("apiKey"),
  });

  return {
    tenant: tenantId,
    tier: tenant.tier,
    namespace: stack.namespace,
    otlpHttpEndpoint: stack.otlpHttpEndpoint,
    otlpGrpcEndpoint: stack.otlpGrpcEndpoint,
    dashboardUrl: stack.dashboardUrl,
    searchUrl: stack.searchUrl,
    apiKey: pulumi.secret(stack.apiKey),
    kafkaBootstrap: stack.kafkaBootstrap,
    openSearchUrl: stack.openSearchUrl,
  };
}
