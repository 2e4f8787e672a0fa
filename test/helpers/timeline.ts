import {
  advanceChronicle,
  applyChronicle,
  sortUnique,
  type ChronicleHistory,
  type IncidentLine,
} from '../../src/chronicle/index.js';
import type { ReconcileResult } from '../../src/model/index.js';
import { reconcile, type ReconcileInput } from '../../src/reconciler/reconcile.js';
import { buildRepoModel } from '../../src/repo/index.js';

/** One scheduled run: the world as observers left it, and when the run happens. */
export interface TimelineStep {
  now: string;
  /** Node → world snapshot (as data; a string is written as-is, e.g. broken YAML). */
  world: Record<string, unknown>;
  heartbeats?: Record<string, string>;
}

export interface Replay {
  history: ChronicleHistory;
  results: ReconcileResult[];
  /** Incident lines in reading order. */
  incidents: IncidentLine[];
}

/**
 * Replays world snapshots through the same pure steps `labwarden reconcile` runs
 * (reconcile → advanceChronicle → applyChronicle), carrying the chronicle from run to run.
 */
export function replay(inventory: Record<string, string>, steps: TimelineStep[]): Replay {
  const history: ChronicleHistory = { incidents: [], transitions: [] };
  const results: ReconcileResult[] = [];
  const hostDirs = [
    ...new Set(
      Object.keys(inventory)
        .map((file) => /^inventory\/hosts\/([^/]+)\//.exec(file)?.[1])
        .filter((dir): dir is string => !!dir),
    ),
  ];
  for (const step of steps) {
    const files = Object.entries(inventory).map(([path, text]) => ({ path, text }));
    for (const [node, snapshot] of Object.entries(step.world)) {
      files.push(
        typeof snapshot === 'string'
          ? { path: `world/nodes/${node}.yaml`, text: snapshot }
          : { path: `world/nodes/${node}.json`, text: JSON.stringify(snapshot) },
      );
    }
    for (const [node, seen] of Object.entries(step.heartbeats ?? {})) {
      files.push({ path: `.labwarden/heartbeats/${node}.json`, text: JSON.stringify({ node, seen_at: seen }) });
    }
    const model = buildRepoModel({ hostDirs, files });
    if (model.fatal.length > 0) throw new Error(`fixture problems: ${JSON.stringify(model.fatal)}`);
    const input: ReconcileInput = {
      inventory: model.inventory,
      world: model.world,
      heartbeats: model.heartbeats,
      policy: model.policy,
      now: Date.parse(step.now),
    };
    const raw = reconcile(input);
    const advance = advanceChronicle(history, raw, input);
    history.incidents.push(...advance.incidents);
    history.transitions.push(...advance.transitions);
    results.push(applyChronicle(raw, advance.state, input));
  }
  return { history, results, incidents: sortUnique(history.incidents) };
}

/** The lines as compact strings: `at event fingerprint severity`, easy to read in a test. */
export function brief(lines: readonly IncidentLine[]): string[] {
  return lines.map(
    (line) =>
      `${line.at} ${line.event} ${line.fingerprint} ${line.severity}${line.maintenance_window ? ` [${line.maintenance_window}]` : ''}`,
  );
}

/** A minute offset from a base time, as ISO. */
export function at(base: string, minutes: number): string {
  return new Date(Date.parse(base) + minutes * 60_000).toISOString().replace('.000Z', 'Z');
}
