import type { Command } from "commander";

interface DemoFlags {
  otlpHttp: string;
  dashboard: string;
  apiKey?: string;
  seed: string;
  failure: string;
  wait: string;
}

export function registerDemoCommands(program: Command): void {
  program
    .command("demo")
    .description("Send 12 minutes of realistic microservice traffic with one injected failure to a running `logclaw start`, then show the incident and its ticket.")
    .option("--otlp-http <url>", "OTLP/HTTP endpoint of local mode [env LOGCLAW_OTLP_HTTP_URL]", process.env.LOGCLAW_OTLP_HTTP_URL ?? "http://127.0.0.1:4318")
    .option("--dashboard <url>", "dashboard and API of local mode [env LOGCLAW_DASHBOARD_URL]", process.env.LOGCLAW_DASHBOARD_URL ?? "http://127.0.0.1:3000")
    .option("--api-key <key>", "x-logclaw-api-key to send [env LOGCLAW_API_KEY]", process.env.LOGCLAW_API_KEY)
    .option("--seed <n>", "scenario seed (same seed, same traffic)", "7")
    .option("--failure <kind>", "failure to inject", "database")
    .option("--wait <seconds>", "how long to wait for the incident and its ticket", "60")
    .action(async (flags: DemoFlags) => {
      const interactive = Boolean(process.stdout.isTTY);
      const progress = (line: string): void => {
        process.stdout.write(interactive ? `\r\x1b[2K  ${line}` : `  ${line}\n`);
      };
      try {
        const seed = Number.parseInt(flags.seed, 10);
        const wait = Number(flags.wait);
        if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer; got ${flags.seed}`);
        if (!(wait > 0)) throw new Error(`--wait must be a positive number of seconds; got ${flags.wait}`);
        // Loaded on use: the OpenTelemetry SDK and the scenario generator would slow every other command's start.
        const { parseFailureKind, runDemo } = require("../../services/local/demo") as typeof import("../../services/local/demo");
        const health = await fetch(`${flags.dashboard.replace(/\/$/, "")}/healthz`).catch(() => null);
        if (!health?.ok) throw new Error(`no LogClaw at ${flags.dashboard}; start it first with \`npm start\``);
        const result = await runDemo({
          otlpHttpUrl: flags.otlpHttp,
          dashboardUrl: flags.dashboard,
          apiKey: flags.apiKey,
          seed,
          failure: parseFailureKind(flags.failure),
          waitMs: wait * 1000,
          progress,
          now: () => new Date(),
        });
        if (interactive) process.stdout.write("\n");
        const out = [
          "",
          `  Sent ${result.logsSent} logs through OTLP/HTTP; injected ${result.failure.kind} in ${result.failure.rootCauseService}` +
            (result.failure.affectedServices.length ? ` (affects ${result.failure.affectedServices.join(", ")})` : ""),
        ];
        if (result.incident) {
          out.push(`  Incident:  ${result.incident.title}`, `             ${result.incident.url}`);
        } else {
          out.push("  No incident yet: check the dashboard in a moment.");
        }
        for (const other of result.otherIncidents) out.push(`  Also opened: ${other.title}`, `             ${other.url}`);
        for (const t of result.tickets) out.push(`  Ticket:    ${t.platform} ${t.externalId ?? ""} ${t.externalUrl ?? ""}`.trimEnd());
        if (result.incident && result.tickets.length === 0) out.push("  No ticket yet (is a ticket platform or the local folder configured?).");
        out.push(`  Dashboard: ${flags.dashboard}`, `  Logs:      ${flags.dashboard.replace(/\/$/, "")}/#/logs?${new URLSearchParams({ service: result.failure.rootCauseService, from: result.window.from, to: result.window.to })}`, "");
        process.stdout.write(out.join("\n") + "\n");
        if (!result.incident) process.exitCode = 1;
      } catch (err) {
        if (interactive) process.stdout.write("\n");
        process.stderr.write(`logclaw demo: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    });
}
