import { sendReshaped } from '../notify/reshape.js';
import type { Sink } from '../notify/sinks/sink.js';
import {
  advanceEpisodes,
  emptyState,
  newerState,
  type Check,
  type WatchdogAlert,
  type WatchdogState,
} from './episodes.js';
import { renderWatchdogMessage } from './message.js';
import { isGitFailure, pushRemoteState, readLocalState, readRemoteState, writeLocalState } from './store.js';

export interface WatchdogOptions {
  repo: string;
  /** Who watches: `reconciler`, `observer-<node>`; names the state file and branch. */
  watcher: string;
  checks: readonly Check[];
  now: number;
  sink: Sink;
  /** Also keep the state on this remote's branch labwarden/watchdog/<watcher> (CI, where .labwarden/ does not survive). */
  remote?: string;
  /** Linked from the alert (e.g. the Actions run). */
  link?: string;
}

export interface WatchdogResult {
  alerts: WatchdogAlert[];
  /** Alerts went out (or there were none). False: the state is kept as it was, so the next run alerts again. */
  delivered: boolean;
  /** Why delivery failed. */
  reason?: string;
  /** Problems reaching the state branch; the run went on with the local state. */
  warnings: string[];
  state: WatchdogState;
}

/**
 * The shell around advanceEpisodes: read the remembered episodes, fold in this run's checks,
 * send one message when an episode began or ended, and remember it only once it was delivered.
 */
export async function runWatchdog(options: WatchdogOptions): Promise<WatchdogResult> {
  const warnings: string[] = [];
  let remembered = await readLocalState(options.repo, options.watcher);
  if (options.remote) {
    try {
      remembered = newerState(remembered, await readRemoteState(options.repo, options.watcher, options.remote));
    } catch (error) {
      if (!isGitFailure(error)) throw error;
      warnings.push(`watchdog state not read from ${options.remote}: ${error.message}`);
    }
  }
  const before = remembered ?? emptyState(options.watcher);
  const { state, alerts, changed } = advanceEpisodes(before, options.checks, options.now);
  if (!changed) return { alerts, delivered: true, warnings, state };
  // A body Discord refuses goes out again shorter: the watchdog is the last word, it must land.
  const sent = await sendReshaped(
    options.sink,
    renderWatchdogMessage(options.watcher, alerts, options.link),
    `watchdog-${options.watcher}-${state.updated_at}`,
  );
  if (sent.status !== 'delivered') return { alerts, delivered: false, reason: sent.reason, warnings, state: before };
  await writeLocalState(options.repo, state);
  if (options.remote) {
    await pushRemoteState(options.repo, state, options.remote).catch((error: unknown) => {
      if (!isGitFailure(error)) throw error;
      warnings.push(`watchdog state not pushed to ${options.remote}: ${error.message}`);
    });
  }
  return { alerts, delivered: true, warnings, state };
}
