import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { emitLogs, officialExporter } from "../../receivers/otlp/exporters";
import { freePort, tempDataDir } from "./harness";

const repoRoot = resolve(__dirname, "..", "..", "..", "..");

function startCli(dataDir: string, ports: { port: number; httpPort: number; grpcPort: number }) {
  return spawn(
    process.execPath,
    [join(repoRoot, "runtime/cli/bin.js"), "start", "--data", dataDir, "--port", String(ports.port), "--otlp-http-port", String(ports.httpPort), "--otlp-grpc-port", String(ports.grpcPort)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
}

/** One OTLP/JSON request of `count` records with distinct bodies. */
function request(client: number, n: number, count: number): string {
  const base = Date.now() - 60_000;
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: `svc-${client}` } }] },
        scopeLogs: [
          {
            logRecords: Array.from({ length: count }, (_, i) => ({
              timeUnixNano: `${base + n * count + i}000000`,
              severityNumber: 9,
              body: { stringValue: `client ${client} request ${n} record ${i} ok` },
            })),
          },
        ],
      },
    ],
  });
}

describe("logclaw start", () => {
  it("prints the banner, stores what it acknowledged and flushes on SIGTERM", { timeout: 180_000 }, async () => {
    const dataDir = tempDataDir();
    const [port, httpPort, grpcPort] = [await freePort(), await freePort(), await freePort()];
    const child = startCli(dataDir, { port, httpPort, grpcPort });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    // The banner is printed once every port listens.
    await new Promise<void>((done, fail) => {
      child.stdout.on("data", () => {
        if (stdout.includes("Try it:")) done();
      });
      void exited.then((code) => fail(new Error(`exited early with ${code}: ${stdout}`)));
    });
    expect(stdout).toContain(`Dashboard    http://127.0.0.1:${port}`);
    expect(stdout).toContain(`OTLP/HTTP    http://127.0.0.1:${httpPort}/v1/logs, /v1/traces`);
    expect(stdout).toContain(`OTLP/gRPC    http://127.0.0.1:${grpcPort}`);

    const bodies = Array.from({ length: 120 }, (_, i) => `payment gateway timeout ${i}`);
    await emitLogs(officialExporter("http/protobuf", { http: httpPort, grpc: grpcPort }), "payments", bodies);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stdout).toContain("SIGTERM: flushing and stopping");
    expect(stdout).toContain(`stopped; data kept in ${dataDir}`);
    expect(existsSync(join(dataDir, "logclaw.lock"))).toBe(false);
    expect(existsSync(join(dataDir, "pipeline-state.json"))).toBe(true);

    const db = new Database(join(dataDir, "logclaw.db"), { readonly: true });
    const rows = db.prepare("SELECT message FROM logs WHERE service = 'payments'").all() as { message: string }[];
    db.close();
    expect(rows.map((r) => r.message).sort()).toEqual([...bodies].sort());
  });

  it("keeps every acknowledged record when killed with SIGKILL while clients are still sending", { timeout: 180_000 }, async () => {
    const dataDir = tempDataDir();
    const ports = { port: await freePort(), httpPort: await freePort(), grpcPort: await freePort() };
    const child = startCli(dataDir, ports);
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    let stdout = "";
    child.stdout.setEncoding("utf8");
    await new Promise<void>((done, fail) => {
      child.stdout.on("data", (chunk: string) => {
        stdout += chunk;
        if (stdout.includes("Try it:")) done();
      });
      void exited.then(() => fail(new Error(`exited early: ${stdout}`)));
    });
    // Four clients send 512-record requests without pause; the process is killed once 20 are
    // acknowledged, with others in flight (their answers never come, so they are not counted).
    const acknowledged = new Set<string>();
    let killed = false;
    await Promise.all(
      Array.from({ length: 4 }, async (_, client) => {
        for (let n = 0; !killed; n++) {
          const body = request(client, n, 512);
          const res = await fetch(`http://127.0.0.1:${ports.httpPort}/v1/logs`, { method: "POST", body, headers: { "content-type": "application/json" } }).catch(() => null);
          if (res?.status !== 200) break;
          for (let i = 0; i < 512; i++) acknowledged.add(`client ${client} request ${n} record ${i} ok`);
          if (acknowledged.size >= 20 * 512 && !killed) {
            killed = true;
            child.kill("SIGKILL");
          }
        }
      }),
    );
    await exited;
    expect(acknowledged.size).toBeGreaterThanOrEqual(20 * 512);

    // Opening the store replays its write-ahead log, as the next start would.
    const db = new Database(join(dataDir, "logclaw.db"));
    const stored = new Set((db.prepare("SELECT message FROM logs").pluck().all() as string[]));
    expect(() => db.prepare("INSERT INTO logs_fts (logs_fts, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
    db.close();
    expect([...acknowledged].filter((m) => !stored.has(m))).toEqual([]);
  });
});
