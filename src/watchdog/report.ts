import type { WatchdogResult } from './watch.js';

/** The watchdog's part of a log line: empty in a steady state, else what went out (or did not). */
export function describeWatchdog(result: WatchdogResult, sinkName: string): string {
  const open = Object.keys(result.state.failing).length;
  if (result.alerts.length === 0) return open === 0 ? '' : `watchdog: ${open} failing (already alerted)`;
  const failing = result.alerts.filter((alert) => alert.kind === 'failing').map((alert) => alert.title);
  const recovered = result.alerts.filter((alert) => alert.kind === 'recovered').map((alert) => alert.title);
  const what = [
    failing.length > 0 ? `failing ${failing.join(', ')}` : '',
    recovered.length > 0 ? `recovered ${recovered.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return result.delivered
    ? `watchdog alerted (${sinkName}): ${what}`
    : `watchdog alert NOT delivered (${sinkName}: ${result.reason}): ${what}`;
}
