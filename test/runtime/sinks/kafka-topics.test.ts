import { describe, expect, it } from "vitest";
import { backoffDelay, retryWithBackoff, RetryAbortedError, sliceForSend, topicMessages } from "../../../runtime/sinks";
import type { DeadLetter } from "../../../contracts/records";

const topics = { enrichedLogs: "enriched-logs", incidents: "incidents", deadLetter: "dead-letter", context: "bridge-context" };

describe("topicMessages", () => {
  it("keys dead letters by source and carries the reason as a header", () => {
    const letter: DeadLetter = { reason: "invalid_json: Unexpected token", source: "raw-logs/0@7", payload: "{", at: "2026-11-22T00:00:00.000Z" };
    const list = topicMessages(topics, { documents: [], incidentEvents: [], deadLetters: [letter], summaries: [] }, "replica-a");
    expect(list).toEqual([
      {
        topic: "dead-letter",
        messages: [{ key: "raw-logs/0@7", value: JSON.stringify(letter), headers: { "logclaw-reason": "invalid_json: Unexpected token" } }],
      },
    ]);
  });
});

describe("sliceForSend", () => {
  it("splits large outputs into bounded sends without losing or reordering a message", () => {
    const messages = Array.from({ length: 50 }, (_, i) => ({ key: "k", value: `${i}`.padEnd(100, "x") }));
    const sends = sliceForSend([{ topic: "a", messages }, { topic: "b", messages: messages.slice(0, 3) }], 1000);
    expect(sends.length).toBeGreaterThan(5);
    for (const send of sends) {
      const bytes = send.reduce((n, t) => n + t.messages.reduce((m, x) => m + String(x.value).length + 64, 0), 0);
      expect(bytes).toBeLessThanOrEqual(1000);
    }
    const flat = sends.flat().flatMap((t) => t.messages.map((m) => `${t.topic}:${String(m.value).slice(0, 2)}`));
    expect(flat).toEqual([...messages.map((m) => `a:${m.value.slice(0, 2)}`), ...messages.slice(0, 3).map((m) => `b:${m.value.slice(0, 2)}`)]);
  });

  it("bounds the messages of a send as well as its bytes", () => {
    const messages = Array.from({ length: 300 }, (_, i) => ({ key: "k", value: `${i}` }));
    const sends = sliceForSend([{ topic: "a", messages }], 1_000_000, 128);
    expect(sends.map((send) => send.reduce((n, t) => n + t.messages.length, 0))).toEqual([128, 128, 44]);
    expect(sends.flat().flatMap((t) => t.messages)).toEqual(messages);
  });
});

describe("backoff", () => {
  it("grows exponentially up to the ceiling, with jitter below it", () => {
    const policy = { initialMs: 100, maxMs: 1000 };
    expect(backoffDelay(policy, 0, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, () => 1)).toBe(800);
    expect(backoffDelay(policy, 10, () => 1)).toBe(1000);
    expect(backoffDelay(policy, 10, () => 0)).toBe(50);
  });

  it("retries retriable failures, stops at a non-retriable one, and gives up when aborted", async () => {
    let calls = 0;
    const retries: number[] = [];
    const value = await retryWithBackoff(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error("busy");
        return "done";
      },
      { policy: { initialMs: 1, maxMs: 2 }, retriable: () => true, onRetry: (_e, attempt) => void retries.push(attempt) },
    );
    expect(value).toBe("done");
    expect(retries).toEqual([0, 1]);

    await expect(
      retryWithBackoff(async () => Promise.reject(new Error("bad request")), { policy: { initialMs: 1, maxMs: 2 }, retriable: () => false, onRetry: () => undefined }),
    ).rejects.toThrow("bad request");

    const abort = new AbortController();
    abort.abort();
    await expect(
      retryWithBackoff(async () => Promise.reject(new Error("down")), { policy: { initialMs: 1, maxMs: 2 }, signal: abort.signal, retriable: () => true, onRetry: () => undefined }),
    ).rejects.toBeInstanceOf(RetryAbortedError);
  });
});
