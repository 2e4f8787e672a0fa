import { CronExpressionParser } from 'cron-parser';
import type { InventoryNode, MaintenanceWindow, Policy } from '../model/index.js';

/** The scheduled maintenance windows that cover `node` (by name or by label). */
export function windowsFor(node: InventoryNode | undefined, policy: Policy): MaintenanceWindow[] {
  if (!node) return [];
  return policy.maintenance_windows.filter((window) => window.nodes.includes(node.name) || window.labels.some((label) => node.host.labels.includes(label)));
}

/** The window active at `at` (ms), with the latest end if several overlap. */
export function activeWindow(windows: readonly MaintenanceWindow[], at: number): { name: string; end: number } | undefined {
  let found: { name: string; end: number } | undefined;
  for (const window of windows) {
    // prev() is strictly before currentDate: ask from just after `at` so a start at `at` counts.
    const start = CronExpressionParser.parse(window.cron, { currentDate: new Date(at + 1), tz: 'UTC' }).prev().getTime();
    const end = start + window.duration;
    if (start <= at && at < end && (!found || end > found.end)) found = { name: window.name ?? window.cron, end };
  }
  return found;
}

/** The first moment at or after `at` outside every window (escalation waits for it). */
export function firstOutside(windows: readonly MaintenanceWindow[], at: number): number {
  let time = at;
  for (let guard = 0; guard < 1000; guard++) {
    const active = activeWindow(windows, time);
    if (!active) return time;
    time = active.end;
  }
  return time;
}

/**
 * The first instant after `at` at which `activeWindow` of any of these windows can change:
 * the next scheduled start, or the end of the window started last. Infinity without windows.
 */
export function nextWindowChange(windows: readonly MaintenanceWindow[], at: number): number {
  let next = Infinity;
  for (const window of windows) {
    next = Math.min(next, CronExpressionParser.parse(window.cron, { currentDate: new Date(at), tz: 'UTC' }).next().getTime());
    const start = CronExpressionParser.parse(window.cron, { currentDate: new Date(at + 1), tz: 'UTC' }).prev().getTime();
    if (start + window.duration > at) next = Math.min(next, start + window.duration);
  }
  return next;
}
