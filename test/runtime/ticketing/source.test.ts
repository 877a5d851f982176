import { describe, expect, it } from "vitest";
import type { IncidentEvent } from "../../../contracts/records";
import { InProcessIncidentSource, parseIncidentEvent } from "../../../runtime/ticketing";
import { makeIncident } from "./fixtures";

describe("in-process incident source", () => {
  it("keeps one fingerprint's events in order while other fingerprints proceed", async () => {
    const source = new InProcessIncidentSource();
    const log: string[] = [];
    let releaseFirst!: () => void;
    const firstBlocked = new Promise<void>((r) => (releaseFirst = r));
    await source.start(async (event) => {
      log.push(`start ${event.incident.id}`);
      if (event.incident.id === "a1") await firstBlocked;
      log.push(`end ${event.incident.id}`);
    });
    const a1 = source.publish({ type: "opened", incident: makeIncident({ id: "a1", fingerprint: "a" }) });
    const a2 = source.publish({ type: "updated", incident: makeIncident({ id: "a2", fingerprint: "a" }) });
    await source.publish({ type: "opened", incident: makeIncident({ id: "b1", fingerprint: "b" }) });
    expect(log).toEqual(["start a1", "start b1", "end b1"]);
    releaseFirst();
    await Promise.all([a1, a2]);
    expect(log).toEqual(["start a1", "start b1", "end b1", "end a1", "start a2", "end a2"]);
    await source.stop();
  });

  it("hands a failed handling back to the publisher and goes on with the next event", async () => {
    const source = new InProcessIncidentSource();
    const handled: string[] = [];
    await source.start(async (event: IncidentEvent) => {
      if (event.incident.id === "bad") throw new Error("store down");
      handled.push(event.incident.id);
    });
    await expect(source.publish({ type: "opened", incident: makeIncident({ id: "bad" }) })).rejects.toThrow("store down");
    await source.publish({ type: "opened", incident: makeIncident({ id: "good" }) });
    expect(handled).toEqual(["good"]);
    await source.stop();
  });

  it("reads the incidents topic's JSON and names the first bad field", () => {
    const event = { type: "opened", incident: makeIncident() };
    expect(parseIncidentEvent(JSON.stringify(event))).toEqual({ event });
    expect(parseIncidentEvent("{oops")).toMatchObject({ error: expect.stringContaining("not JSON") });
    expect(parseIncidentEvent(JSON.stringify({ ...event, incident: { ...event.incident, severity: "urgent" } }))).toMatchObject({
      error: expect.stringContaining("incident.severity"),
    });
    expect(parseIncidentEvent(JSON.stringify({ type: "closed", incident: event.incident }))).toMatchObject({ error: expect.stringContaining("type") });
  });
});
