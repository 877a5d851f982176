import { findRootCause, type PropagationView } from "./root-cause";

/** The detections of one window whose errors lead to the same root cause. */
export interface RootGroup<T> {
  root: string;
  /** Strongest first. */
  members: T[];
}

/**
 * Groups one window's candidate detections by the root cause their errors lead to, so one failure
 * spreading through its callers opens one incident. Roots come strongest group first.
 */
export function groupByRootCause<T extends { service: string; score: number }>(items: Iterable<T>, view: PropagationView): RootGroup<T>[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const root = findRootCause(item.service, view);
    const group = groups.get(root) ?? [];
    group.push(item);
    groups.set(root, group);
  }
  const strongest = (root: string) => Math.max(...(groups.get(root) ?? []).map((m) => m.score));
  return [...groups.keys()]
    .sort((a, b) => strongest(b) - strongest(a) || (a < b ? -1 : 1))
    .map((root) => ({ root, members: (groups.get(root) ?? []).sort((a, b) => b.score - a.score || (a.service < b.service ? -1 : 1)) }));
}
