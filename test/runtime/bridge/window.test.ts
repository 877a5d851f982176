import { describe, expect, it } from "vitest";
import { EventClock, OpenWindows } from "../../../runtime/bridge/window";

const options = { windowMs: 10_000, allowedLatenessMs: 5_000, maxLatenessMs: 60_000, maxEventAheadMs: 300_000, maxEventBehindMs: 86_400_000 };

describe("window stage: event clock and open windows", () => {
  it("closes a window only once the watermark (newest event time minus the lateness) has passed its end", () => {
    const clock = new EventClock(options);
    expect(clock.advance(1_000)).toBeNull(); // first record: nothing before it is open
    expect(clock.windowOf(1_000)).toBe(0);
    expect(clock.advance(14_999)).toBeNull(); // watermark 9_999: window 0 still open
    expect(clock.advance(15_000)).toBe(0); // watermark 10_000: window 0 is due
    clock.closed(0);
    expect(clock.advance(14_000)).toBeNull(); // older than the newest time: the clock does not move back
  });

  it("puts a record later than the allowed lateness into the oldest open window instead of dropping it", () => {
    const clock = new EventClock(options);
    clock.advance(100_000);
    clock.closed(9);
    expect(clock.windowOf(42_000)).toBe(10);
    expect(clock.windowOf(105_000)).toBe(10);
  });

  it("moves event time on by the wall time since the latest request only in live mode, from the time it is given", () => {
    const replay = new EventClock(options);
    replay.advance(100_000);
    expect(replay.tick(10_000_000)).toBeNull(); // no received time: a replay never ticks

    const live = new EventClock(options);
    live.received(1_000_000);
    live.advance(100_000);
    expect(live.tick(1_000_000)).toBeNull();
    expect(live.tick(1_020_000)).toBe(10); // event now 120_000, watermark 115_000
    live.closed(10);
    expect(live.tick(1_021_000)).toBeNull();
    expect(live.exportState()).toMatchObject({ maxEventMs: 100_000, closedThrough: 10, lastReceivedMs: 1_000_000 });
  });

  it("bounds a span's end time around its received time and counts the adjustment", () => {
    const clock = new EventClock(options);
    const adjustments = { ahead: 0, behind: 0, unset: 0, invalid: 0 };
    expect(clock.boundSpanTime(4_102_444_800_000, 1_000_000, adjustments)).toBe(1_000_000);
    expect(clock.boundSpanTime(Number.NaN, 1_000_000, adjustments)).toBe(1_000_000);
    expect(clock.boundSpanTime(999_000, 1_000_000, adjustments)).toBe(999_000);
    expect(adjustments).toEqual({ ahead: 1, behind: 0, unset: 0, invalid: 1 });
  });

  it("hands closed windows out once, oldest first, including windows that hold only spans", () => {
    const spanWindows = new Set([3]);
    const windows = new OpenWindows(10_000, () => spanWindows);
    windows.serviceWindow(5, "api").total += 1;
    windows.serviceWindow(1, "db").total += 2;
    expect(windows.newest()).toBe(5);
    const closed = windows.take(4);
    expect(closed.map((w) => [w.index, w.startMs, w.endMs, [...w.services.keys()]])).toEqual([
      [1, 10_000, 20_000, ["db"]],
      [3, 30_000, 40_000, []],
    ]);
    spanWindows.clear();
    expect(windows.take(4)).toEqual([]);
    expect(windows.exportState()).toEqual([[5, { api: expect.objectContaining({ total: 1 }) }]]);
  });
});
