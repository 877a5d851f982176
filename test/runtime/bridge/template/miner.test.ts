import { describe, expect, it } from "vitest";
import { createTemplateMiner, restoreTemplateMiner } from "../../../../runtime/bridge/template";

describe("createTemplateMiner", () => {
  it("masks obvious variables before the first message is seen twice", () => {
    const miner = createTemplateMiner();
    const r = miner.add("Received block blk_-1608999687919862906 of size 91178 from /10.250.10.6");
    expect(r.template).toBe("Received block <*> of size <*> from <*>");
    expect(r.isNew).toBe(true);
    expect(r.count).toBe(1);
  });

  it("keeps a cluster's id while its template gains wildcards", () => {
    const miner = createTemplateMiner();
    const a = miner.add("session opened for user root by cron");
    const b = miner.add("session opened for user alice by cron");
    const c = miner.add("session opened for user bob by sshd");
    expect(b.id).toBe(a.id);
    expect(c.id).toBe(a.id);
    expect(b.template).toBe("session opened for user <*> by cron");
    expect(c.template).toBe("session opened for user <*> by <*>");
    expect([b.isNew, c.isNew, c.count]).toEqual([false, false, 3]);
  });

  it("splits key=value pairs so only the value becomes a wildcard", () => {
    const miner = createTemplateMiner();
    miner.add("connect user=alice mode=ro");
    expect(miner.add("connect user=bob mode=ro").template).toBe("connect user=<*> mode=ro");
  });

  it("opens a new cluster for a dissimilar message of the same shape", () => {
    const miner = createTemplateMiner();
    const a = miner.add("disk quota exceeded on volume home");
    const b = miner.add("network link down on interface eth");
    expect(b.isNew).toBe(true);
    expect(b.id).not.toBe(a.id);
  });

  it("gives the same id to the same first template in independent runs", () => {
    expect(createTemplateMiner().add("cache miss for key 42").id).toBe(createTemplateMiner().add("cache miss for key 7").id);
  });

  it("rejects invalid options", () => {
    expect(() => createTemplateMiner({ similarityThreshold: 0 })).toThrow();
  });
});

describe("restoreTemplateMiner", () => {
  it("continues with the same ids, templates and counts after a JSON round trip", () => {
    const lines = [
      "session opened for user root by cron",
      "Accepted password for root from 10.0.0.1 port 22 ssh2",
      "session opened for user alice by cron",
      "Accepted password for bob from 10.0.0.2 port 2222 ssh2",
    ];
    const before = createTemplateMiner();
    const ids = lines.map((l) => before.add(l).id);
    const restored = restoreTemplateMiner(JSON.parse(JSON.stringify(before.exportState())));
    const next = restored.add("session opened for user carol by cron");
    expect(next.id).toBe(ids[0]);
    expect(next.isNew).toBe(false);
    expect(next.count).toBe(3);
    expect(next.template).toBe("session opened for user <*> by cron");
    expect(restored.add("Accepted password for eve from 10.0.0.3 port 22 ssh2").id).toBe(ids[1]);
  });

  it("names the offending path of an invalid state", () => {
    expect(() => restoreTemplateMiner({ version: 1, options: {}, clusters: [{ id: "", tokens: [], seps: [], count: 1 }] })).toThrow(
      /clusters\.0\.id/,
    );
    expect(() => restoreTemplateMiner({ version: 2 })).toThrow(/invalid template miner state/);
  });
});
