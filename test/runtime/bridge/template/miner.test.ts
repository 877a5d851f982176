import { describe, expect, it } from "vitest";
import { createTemplateMiner, restoreTemplateMiner, type TemplateMiner } from "../../../../runtime/bridge/template";

function addAll(miner: TemplateMiner, lines: string[]) {
  return lines.map((l) => miner.add(l));
}

describe("createTemplateMiner", () => {
  it("masks parameters on first sight: numbers, ids, addresses, paths, dotted names", () => {
    const miner = createTemplateMiner();
    const r = miner.add("Received block blk_-1608999687919862906 of size 91178 from /10.250.10.6");
    expect(r).toEqual({ id: r.id, template: "Received block <*> of size <*> from <*>", isNew: true, count: 1 });
    expect(miner.add("reverse mapping for ns.example.com [173.234.31.186] failed").template).toBe(
      "reverse mapping for <*> [<*>] failed",
    );
    expect(miner.add("Loading /etc/app/config.yaml from ~/home").template).toBe("Loading <*> from <*>");
  });

  it("keeps a cluster's id while its template gains wildcards", () => {
    const miner = createTemplateMiner();
    const [a, b, c] = addAll(miner, [
      "connect user=alice mode=ro",
      "connect user=bob mode=ro",
      "connect user=carol mode=rw",
    ]);
    expect(a.template).toBe("connect user=alice mode=ro");
    expect(b).toEqual({ id: a.id, template: "connect user=<*> mode=ro", isNew: false, count: 2 });
    expect(c).toEqual({ id: a.id, template: "connect user=<*> mode=<*>", isNew: false, count: 3 });
  });

  it("generalizes a free-text word only once it has been seen as a parameter value", () => {
    const miner = createTemplateMiner();
    const [root] = addAll(miner, ["auth failure; rhost=10.0.0.1 user=root", "Failed password for root from 10.0.0.1"]);
    const before = miner.add("Failed password for uucp from 10.0.0.2");
    expect(before.isNew).toBe(true);
    miner.add("auth failure; rhost=10.0.0.3 user=ftp");
    const after = miner.add("Failed password for ftp from 10.0.0.3");
    expect(after.isNew).toBe(false);
    expect(after.template).toBe("Failed password for <*> from <*>");
    expect(root.template).toBe("auth failure; rhost=<*> user=root");
  });

  it("folds clusters opened before a position was known to vary into the oldest of them", () => {
    const miner = createTemplateMiner();
    const [uucp, root] = addAll(miner, [
      "Failed password for uucp from 10.0.0.1 port 22 ssh2",
      "Failed password for root from 10.0.0.2 port 22 ssh2",
      "auth failure; rhost=10.0.0.3 user=root",
      "auth failure; rhost=10.0.0.4 user=admin",
    ]);
    expect(root.id).not.toBe(uucp.id);
    const admin = miner.add("Failed password for admin from 10.0.0.5 port 22 ssh2");
    expect(admin).toMatchObject({ id: uucp.id, template: "Failed password for <*> from <*> port <*> <*>", count: 3 });
    expect(miner.add("Failed password for root from 10.0.0.6 port 22 ssh2")).toMatchObject({ id: uucp.id, count: 4 });
    expect(miner.add("Failed password for uucp from 10.0.0.7 port 22 ssh2")).toMatchObject({ id: uucp.id, count: 5 });
    // The fold survives a checkpoint.
    const restored = restoreTemplateMiner(JSON.parse(JSON.stringify(miner.exportState())));
    expect(restored.add("Failed password for root from 10.0.0.8 port 22 ssh2")).toMatchObject({ id: uucp.id, count: 6 });
  });

  it("treats the word after `user` as a name", () => {
    const miner = createTemplateMiner();
    const [a, b] = addAll(miner, ["Invalid user webmaster from 1.2.3.4", "Invalid user admin from 5.6.7.8"]);
    expect(b).toEqual({ id: a.id, template: "Invalid user <*> from <*>", isNew: false, count: 2 });
  });

  it("keeps messages that differ in a plain word apart", () => {
    const miner = createTemplateMiner();
    const [a, b] = addAll(miner, [
      "Session: 30546173_4261722401 initialized by client WindowsUpdateAgent.",
      "Session: 11152_142416105 initialized by client SPP.",
    ]);
    expect(b.isNew).toBe(true);
    expect(b.id).not.toBe(a.id);
  });

  it("gives one position to a run of parameters and to a number with its unit", () => {
    const miner = createTemplateMiner();
    const [a, b] = addAll(miner, [
      "PCI Interrupt Link [LNKA] (IRQs 3 4 5 6 7 10 11 12) *14",
      "PCI Interrupt Link [LNKA] (IRQs 3 4 5) *10",
    ]);
    expect(b.id).toBe(a.id);
    const [c, d] = addAll(miner, ["stored (estimated size 5.2 KB, free 5.2 KB)", "stored (estimated size 40 B, free 5.2 MB)"]);
    expect(d).toEqual({ id: c.id, template: "stored (estimated size <*> free <*>", isNew: false, count: 2 });
  });

  it("keeps a quoted value with spaces as one position", () => {
    const miner = createTemplateMiner();
    const [a, b] = addAll(miner, ['acquire lock=1, tag="View Lock", uid=10', 'acquire lock=2, tag="AudioMix", uid=11']);
    expect(b).toEqual({ id: a.id, template: "acquire lock=<*>, tag=\"<*>\", uid=<*>", isNew: false, count: 2 });
  });

  it("generalizes a word position once several templates differ only there", () => {
    const miner = createTemplateMiner();
    const hosts = ["alpha", "bravo", "charlie", "delta", "echo"];
    const results = hosts.map((h) => miner.add(`Connection to host ${h} closed cleanly`));
    expect(results.slice(0, 3).every((r) => r.isNew)).toBe(true);
    expect(new Set(results.slice(0, 3).map((r) => r.id)).size).toBe(3);
    // The younger siblings are folded into the oldest: their messages (and counts) go there now.
    expect(results[3]).toEqual({ id: results[0].id, template: "Connection to host <*> closed cleanly", isNew: false, count: 4 });
    expect(results[4]).toMatchObject({ id: results[0].id, isNew: false, count: 5 });
    expect(miner.add("Connection to host bravo closed cleanly")).toMatchObject({ id: results[0].id, count: 6 });
  });

  it("reads an address as the first token as a parameter, not as the event name", () => {
    const miner = createTemplateMiner();
    const [a, b, c] = addAll(miner, [
      "db-3.internal.example:5432 connection reset by peer",
      "cache.eu-west.example:6379 connection reset by peer",
      "/srv/queue/inbox connection reset by peer",
    ]);
    expect(b).toMatchObject({ id: a.id, isNew: false });
    expect(c).toMatchObject({ id: a.id, template: "<*> connection reset by peer" });
  });

  it("generalizes the first word too once several templates differ only there", () => {
    const miner = createTemplateMiner();
    const services = ["billing", "search", "ledger", "mailer", "uploader"];
    const results = services.map((s) => miner.add(`${s} worker missed its heartbeat after 3 retries`));
    expect(new Set(results.slice(0, 3).map((r) => r.id)).size).toBe(3);
    expect(results[3]).toMatchObject({ id: results[0].id, template: "<*> worker missed its heartbeat after <*> retries" });
    expect(results[4]).toMatchObject({ id: results[0].id, isNew: false });
  });

  it("joins a message whose words match a template's but with a parameter more or less between them", () => {
    const miner = createTemplateMiner();
    const [a, b, c] = addAll(miner, [
      "job 17 done, wrote 5 files to /tmp/out/17",
      "job 18 done, wrote 5 files (12 KB) to /tmp/out/18",
      "job 19 done, wrote 0 files to",
    ]);
    expect(b).toMatchObject({ id: a.id, isNew: false, count: 2 });
    expect(c).toMatchObject({ id: a.id, isNew: false, count: 3 });
    // Too few words to trust the order of words alone: a short message stays apart.
    const [d, e] = addAll(miner, ["sent 3 bytes", "sent 3 bytes (1 packet)"]);
    expect(e.id).not.toBe(d.id);
    // A parameter present or absent is not a list of another length.
    const [f, g] = addAll(miner, ["machine check status register: 0x1f", "machine check status register:"]);
    expect(g.id).not.toBe(f.id);
  });

  it("does not let learned parameter words turn most of a template into wildcards", () => {
    const miner = createTemplateMiner();
    addAll(miner, ["state=open mode=fast", "state=closed mode=slow"]);
    const [a, b] = addAll(miner, ["the link went open fast", "the link went closed slow"]);
    expect(b.id).not.toBe(a.id);
  });

  it("reads dot leaders and code locations as parameters", () => {
    const miner = createTemplateMiner();
    const [a, b] = addAll(miner, ["icache prefetch depth.......0", "icache prefetch depth.............1"]);
    expect(b).toEqual({ id: a.id, template: "icache prefetch depth...<*>", isNew: false, count: 2 });
    expect(miner.add("icache prefetch threshold....0").isNew).toBe(true);
    const [c, d] = addAll(miner, [
      "called by com.example.Foo.bar:12 com.example.Foo.baz:40",
      "called by com.example.Foo.bar:12 com.example.Main.run:7 java.lang.Thread.run:745",
    ]);
    expect(d).toMatchObject({ id: c.id, template: "called by <*>", isNew: false });
  });

  it("tells all-parameter messages apart by their letters and punctuation", () => {
    const miner = createTemplateMiner();
    const [a, b, c] = addAll(miner, ["sda1 sda2 sda3", "sda4 sda5 sda6", "r24=0x0ffea4c8 r25=0x00000003"]);
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
  });

  it("masks dates, weekday and month names included, even at the start of a line", () => {
    const miner = createTemplateMiner();
    const [a, b] = addAll(miner, [
      "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
      "[Mon Jan 05 11:02:09 2006] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
    ]);
    expect(b).toMatchObject({ id: a.id, isNew: false });
  });

  it("gives the same id to the same first template in independent runs", () => {
    expect(createTemplateMiner().add("cache miss for key 42").id).toBe(createTemplateMiner().add("cache miss for key 7").id);
  });

  it("forgets the oldest parameter words beyond the vocabulary bound", () => {
    const miner = createTemplateMiner({ maxValueVocabulary: 1 });
    addAll(miner, ["auth failure user=root", "auth failure user=git"]);
    const [root, git] = addAll(miner, ["Failed password for root from 1.2.3.4", "Failed password for git from 1.2.3.5"]);
    expect(git.id).not.toBe(root.id);
    expect(createTemplateMiner({ maxValueVocabulary: 0 }).exportState()).toMatchObject({ valueVocabulary: [] });
  });

  it("keeps grouping when the shape memory restarts", () => {
    const small = createTemplateMiner({ maxShapes: 1 });
    const ids = addAll(small, ["job 1 done", "disk full", "job 2 done", "disk full"]).map((r) => r.id);
    expect(ids[2]).toBe(ids[0]);
    expect(ids[3]).toBe(ids[1]);
  });

  it("finds an old template among many of the same length even without the shape memory", () => {
    const miner = createTemplateMiner({ maxShapes: 1 });
    const first = miner.add("quota exceeded for volume 7");
    const letters = (n: number) => n.toString(26).replace(/[0-9]/g, (d) => "qrstuvwxyz"[Number(d)]);
    // 600 other five-position templates, each differing from the others in every word.
    for (let i = 0; i < 600; i++) miner.add(`${letters(i + 1000)}a ${letters(i + 2000)}b ${letters(i + 3000)}c ${letters(i + 4000)}d 1`);
    expect(miner.add("quota exceeded for volume 9")).toMatchObject({ id: first.id, isNew: false, count: 2 });
  });

  it("rejects invalid options", () => {
    expect(() => createTemplateMiner({ maxShapes: 0 })).toThrow();
  });
});

describe("restoreTemplateMiner", () => {
  const history = [
    "auth failure; rhost=10.0.0.1 user=root",
    "Failed password for root from 10.0.0.1 port 22 ssh2",
    "auth failure; rhost=10.0.0.2 user=git",
    "connect user=alice mode=ro",
    "Invalid user test from 10.0.0.9",
  ];
  const future = [
    "Failed password for git from 10.0.0.2 port 2222 ssh2",
    "connect user=bob mode=rw",
    "Invalid user oracle from 10.0.0.7",
    "a brand new message",
  ];

  it("continues exactly as the exported miner after a JSON round trip", () => {
    const original = createTemplateMiner();
    addAll(original, history);
    const restored = restoreTemplateMiner(JSON.parse(JSON.stringify(original.exportState())));
    const expected = addAll(original, future);
    expect(addAll(restored, future)).toEqual(expected);
    expect(expected[0]).toMatchObject({ isNew: false, count: 2, template: "Failed password for <*> from <*> port <*> <*>" });
    expect(restored.exportState()).toEqual(original.exportState());
  });

  it("names the offending path of an invalid state", () => {
    const state = createTemplateMiner().exportState() as Record<string, unknown>;
    expect(() => restoreTemplateMiner({ ...state, clusters: [{ id: "", keys: [], renders: [], count: 1 }] })).toThrow(
      /clusters\.0\.id/,
    );
    expect(() => restoreTemplateMiner({ version: 2 })).toThrow(/invalid template miner state/);
  });
});

describe("shape signatures", () => {
  it("routes a known shape the same way after the signature trie started over", () => {
    const miner = createTemplateMiner();
    const first = miner.add("cache refill finished for region eu");
    // Words that never repeat: more trie nodes than it keeps, so it starts over on the way (the known
    // message comes back now and then, so the miner's own eviction keeps its cluster).
    for (let i = 0; i < 5_000; i++) {
      miner.add(`w${i}a w${i}b w${i}c w${i}d w${i}e`.replace(/\d/g, (d) => "abcdefghij"[Number(d)]));
      if (i % 100 === 0) {
        const again = miner.add("cache refill finished for region eu");
        expect(again.id).toBe(first.id);
        expect(again.isNew).toBe(false);
      }
    }
  });
});
