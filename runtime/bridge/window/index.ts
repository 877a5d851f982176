export { EventClock } from "./event-clock";
export type { EventClockOptions, EventClockState } from "./event-clock";
export { OpenWindows } from "./open-windows";
export type { ClosedWindow, OpenWindowsState } from "./open-windows";
