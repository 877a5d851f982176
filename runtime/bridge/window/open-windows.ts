import { newServiceWindow, serviceWindowFrom, serviceWindowState, type ServiceWindow, type ServiceWindowState } from "../detect/window";

/** One closed window's log accumulators, by service (empty when only spans fell in it). */
export interface ClosedWindow {
  index: number;
  startMs: number;
  endMs: number;
  services: Map<string, ServiceWindow>;
}

/** A pipeline checkpoint's open log windows: `[index, service -> accumulator]`. */
export type OpenWindowsState = [number, Record<string, ServiceWindowState>][];

/**
 * The open tumbling windows of a pipeline: each service's log accumulator per window index, plus the
 * indexes where the span detector holds spans, so a window closes once for both signals.
 */
export class OpenWindows {
  private windows: Map<number, Map<string, ServiceWindow>>;
  /** The accumulator `serviceWindow` returned last: a request's records mostly come one after another, of one service and window. */
  private last: { index: number; service: string; window: ServiceWindow } | null = null;

  constructor(
    private readonly windowMs: number,
    private readonly spanWindows: () => Iterable<number>,
    state: OpenWindowsState = [],
  ) {
    this.windows = new Map(state.map(([index, services]) => [index, new Map(Object.entries(services).map(([service, w]) => [service, serviceWindowFrom(w)]))]));
  }

  /** The accumulator of `service` in window `index`, created on first use. */
  serviceWindow(index: number, service: string): ServiceWindow {
    const last = this.last;
    if (last !== null && last.index === index && last.service === service) return last.window;
    let services = this.windows.get(index);
    if (!services) this.windows.set(index, (services = new Map()));
    let w = services.get(service);
    if (!w) services.set(service, (w = newServiceWindow()));
    this.last = { index, service, window: w };
    return w;
  }

  /** The newest window holding logs or spans; null when none is open. */
  newest(): number | null {
    const open = [...this.windows.keys(), ...this.spanWindows()];
    return open.length > 0 ? Math.max(...open) : null;
  }

  /** Removes and returns every window up to `through` (inclusive) that holds logs or spans, oldest first. */
  take(through: number): ClosedWindow[] {
    const indexes = [...new Set([...this.windows.keys(), ...this.spanWindows()])].filter((i) => i <= through).sort((a, b) => a - b);
    this.last = null;
    return indexes.map((index) => {
      const services = this.windows.get(index) ?? new Map<string, ServiceWindow>();
      this.windows.delete(index);
      return { index, startMs: index * this.windowMs, endMs: (index + 1) * this.windowMs, services };
    });
  }

  exportState(): OpenWindowsState {
    return [...this.windows].map(([index, services]) => [index, Object.fromEntries([...services].map(([service, w]) => [service, serviceWindowState(w)]))]);
  }
}
