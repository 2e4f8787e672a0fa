import { formatTime, type AdminEvent, type Policy } from '../model/index.js';
import { queueLines } from './live.js';
import { adminView } from './admin-view.js';
import type { IncidentLine } from './incident-line.js';
import type { NotificationLine } from './log-line.js';
import { foldMemory } from './memory.js';
import { planNotifications, type NotifyPlan } from './plan.js';
import type { NotifyTopology } from './topology.js';

/**
 * Runs NotifyGate at each of `runs` over a growing chronicle, feeding each run's decisions
 * into the next, exactly as `notify` does with chronicle/notifications.jsonl. Pure; used by
 * the tests and the bench.
 */
export function simulateRuns(input: {
  incidents: readonly IncidentLine[];
  admin?: readonly AdminEvent[];
  policy: Policy;
  nodes: readonly string[];
  topology?: NotifyTopology;
  runs: readonly number[];
}): { at: number; plan: NotifyPlan }[] {
  const log: NotificationLine[] = [];
  const results: { at: number; plan: NotifyPlan }[] = [];
  for (const now of input.runs) {
    const plan = planNotifications({
      incidents: input.incidents.filter((line) => Date.parse(line.at) <= now),
      memory: foldMemory(log),
      admin: adminView(input.admin ?? [], now),
      policy: input.policy,
      nodes: input.nodes,
      ...(input.topology ? { topology: input.topology } : {}),
      now,
    });
    // The queued lines (without payloads) carry what each live message shows: edits follow them.
    log.push(...plan.decisions, ...queueLines(plan, { at: formatTime(now), channel: 'simulated' }));
    results.push({ at: now, plan });
  }
  return results;
}
