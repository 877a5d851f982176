import { readdirSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { FailureKind } from "../../../../runtime/scenarios/types";
import { runDemo, type DemoResult } from "../../../../runtime/services/local/demo";
import type { LocalModeHandle } from "../../../../runtime/services/local/local-mode";
import { localConfig, startLocal, tempDataDir } from "./harness";

/** Every incident and ticket file of a local mode instance. */
async function incidentsOf(handle: LocalModeHandle): Promise<{ id: string; rootCauseService: string; title: string }[]> {
  const body = (await (await fetch(`${handle.urls.dashboard}/api/incidents`)).json()) as unknown;
  return (Array.isArray(body) ? body : (body as { incidents: never[] }).incidents) as { id: string; rootCauseService: string; title: string }[];
}

describe("npm run demo against local mode", () => {
  let handle: LocalModeHandle | null = null;
  afterEach(async () => {
    await handle?.close();
    handle = null;
  });

  const demo = (h: LocalModeHandle, seed: number, failure: FailureKind): Promise<DemoResult> =>
    runDemo({ otlpHttpUrl: h.urls.otlpHttp, dashboardUrl: h.urls.dashboard, seed, failure, waitMs: 90_000, progress: () => undefined, now: () => new Date() });

  for (const seed of [1, 2, 3]) {
    it(`one failure gives exactly one incident and one ticket, naming the same services (seed ${seed})`, { timeout: 180_000 }, async () => {
      const config = await localConfig(tempDataDir());
      handle = await startLocal(config);
      const result = await demo(handle, seed, "database");
      expect(result.incident).not.toBeNull();
      expect(result.otherIncidents).toEqual([]);
      expect(result.tickets).toHaveLength(1);
      // Detection has settled (the demo waited for the ticket): still one incident, one ticket file.
      await new Promise((r) => setTimeout(r, 3000));
      const incidents = await incidentsOf(handle);
      expect(incidents.map((i) => i.title)).toHaveLength(1);
      expect(incidents[0]!.rootCauseService).toBe(result.failure.rootCauseService);
      expect(readdirSync(config.ticketsDir).filter((f) => f.endsWith(".md"))).toHaveLength(1);
      const { affectedServices } = result.failure;
      expect(incidents[0]!.title).toContain(`in ${result.failure.rootCauseService} (affecting ${affectedServices.join(", ")})`);
      const ticket = await (await fetch(result.tickets[0]!.externalUrl!)).text();
      expect(ticket).toContain(`- **Root cause service:** ${result.failure.rootCauseService}`);
      expect(ticket).toContain(`- Affected services: ${affectedServices.join(", ")}`);
      expect(ticket).toContain(`the failure spread to ${affectedServices.join(", ")}`);
    });
  }

  it("reports only incidents its own run opened, never an older one", { timeout: 240_000 }, async () => {
    handle = await startLocal(await localConfig(tempDataDir()));
    const first = await demo(handle, 1, "database");
    expect(first.incident).not.toBeNull();
    const second = await demo(handle, 4, "oom");
    expect(second.incident?.id).not.toBe(first.incident!.id);
    expect([second.incident, ...second.otherIncidents].map((i) => i?.id)).not.toContain(first.incident!.id);
  });
});
