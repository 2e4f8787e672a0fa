import { z } from 'zod';
import { formatTime, Timestamp } from '../model/index.js';

/** One thing the supervisor checks about itself this run: a cycle, a peer's heartbeat, an observer. */
export interface Check {
  /** Stable identity of what is checked, e.g. `cycle`, `reconciler`, `observer:pi`. */
  key: string;
  ok: boolean;
  /** What is checked, for people: "reconcile cycle", "observer pi". */
  title: string;
  /** Why it fails (or, when ok, what it is now); user text, escaped when rendered. */
  detail: string;
}

/** A failure in progress: alerted once when it began, once more when it ends. */
export const Episode = z.object({ since: Timestamp, title: z.string(), detail: z.string() });
export type Episode = z.infer<typeof Episode>;

/** What a watcher remembers between runs: the episodes it has announced and not yet closed. */
export const WatchdogState = z.object({
  watcher: z.string(),
  updated_at: Timestamp,
  failing: z.record(z.string(), Episode),
});
export type WatchdogState = z.infer<typeof WatchdogState>;

export interface WatchdogAlert {
  key: string;
  kind: 'failing' | 'recovered';
  title: string;
  detail: string;
  /** When the episode began. */
  since: string;
}

export function emptyState(watcher: string): WatchdogState {
  return { watcher, updated_at: formatTime(0), failing: {} };
}

/**
 * Folds this run's checks into the episodes: a check that starts failing opens an episode and
 * alerts; one that keeps failing stays silent (one alert per episode, not per run); one that
 * passes again closes its episode with a "recovered" alert. Keys not checked this run are left
 * as they are. Pure: the state is only moved on (`changed`) when something began or ended, so a
 * steady state writes nothing.
 */
export function advanceEpisodes(
  state: WatchdogState,
  checks: readonly Check[],
  now: number,
): { state: WatchdogState; alerts: WatchdogAlert[]; changed: boolean } {
  const failing: Record<string, Episode> = { ...state.failing };
  const alerts: WatchdogAlert[] = [];
  for (const check of [...checks].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const open = failing[check.key];
    if (!check.ok && !open) {
      const episode = { since: formatTime(now), title: check.title, detail: check.detail };
      failing[check.key] = episode;
      alerts.push({ key: check.key, kind: 'failing', ...episode });
    } else if (check.ok && open) {
      delete failing[check.key];
      alerts.push({ key: check.key, kind: 'recovered', title: check.title, detail: check.detail, since: open.since });
    }
  }
  if (alerts.length === 0) return { state, alerts, changed: false };
  const sorted = Object.fromEntries(Object.entries(failing).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { state: { watcher: state.watcher, updated_at: formatTime(now), failing: sorted }, alerts, changed: true };
}

/** The newer of two remembered states (local file vs. state branch). */
export function newerState(a: WatchdogState | undefined, b: WatchdogState | undefined): WatchdogState | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b.updated_at) > Date.parse(a.updated_at) ? b : a;
}
