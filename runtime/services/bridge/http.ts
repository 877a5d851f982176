import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

export interface OpsProbes {
  /** The process is alive and its consumer loop has not failed for good. */
  healthy: () => boolean;
  /** Joined the consumer group with the index lifecycle ensured, and not draining. */
  ready: () => boolean;
}

/** `/healthz`, `/readyz` and `/metrics` for the kubelet and Prometheus. Resolves once listening. */
export async function startOpsServer(port: number, probes: OpsProbes, registry: Registry): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405).end();
      return;
    }
    if (path === "/healthz" || path === "/readyz") {
      const ok = path === "/healthz" ? probes.healthy() : probes.ready();
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ status: ok ? "ok" : "unavailable" }));
      return;
    }
    if (path === "/metrics") {
      registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => resolve());
  });
  return server;
}
