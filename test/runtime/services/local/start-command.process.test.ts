import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { emitLogs, officialExporter } from "../../receivers/otlp/exporters";
import { freePort, tempDataDir } from "./harness";

const repoRoot = resolve(__dirname, "..", "..", "..", "..");

describe("logclaw start", () => {
  it("prints the banner, stores what it acknowledged and flushes on SIGTERM", { timeout: 180_000 }, async () => {
    const dataDir = tempDataDir();
    const [port, httpPort, grpcPort] = [await freePort(), await freePort(), await freePort()];
    const child = spawn(
      process.execPath,
      [join(repoRoot, "runtime/cli/bin.js"), "start", "--data", dataDir, "--port", String(port), "--otlp-http-port", String(httpPort), "--otlp-grpc-port", String(grpcPort)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
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
});
