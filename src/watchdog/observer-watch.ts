import type { Sink } from '../notify/sinks/sink.js';
import { reconcilerCheck } from './checks.js';
import { readPolicy } from '../repo/policy.js';
import { readReconcilerHeartbeat } from './reconciler-heartbeat.js';
import { isGitFailure } from './store.js';
import { runWatchdog, type WatchdogResult } from './watch.js';

/**
 * The observer's half of the dead-man's switch: after observing, check that the reconciler
 * still beats (its heartbeat branch, fetched from `remote` when given, or the local file) and
 * alert once when it is older than `reconciler_stale_after`, once when it is back. The
 * episodes live in the observer's clone (.labwarden/watchdog/observer-<node>.json).
 */
export async function watchReconciler(options: {
  repo: string;
  watcher: string;
  now: number;
  sink: Sink;
  remote?: string;
}): Promise<{ result: WatchdogResult; seenAt?: string; warnings: string[] }> {
  const warnings: string[] = [];
  let seenAt: string | undefined;
  try {
    seenAt = await readReconcilerHeartbeat(options.repo, {
      remote: options.remote,
      fetch: options.remote !== undefined,
    });
  } catch (error) {
    if (!isGitFailure(error)) throw error;
    warnings.push(`reconciler heartbeat not fetched: ${error.message}`);
    seenAt = await readReconcilerHeartbeat(options.repo, { remote: options.remote, fetch: false });
  }
  const policy = await readPolicy(options.repo);
  const checks = reconcilerCheck(seenAt, policy.reconciler_stale_after, options.now);
  const result = await runWatchdog({
    repo: options.repo,
    watcher: options.watcher,
    checks,
    now: options.now,
    sink: options.sink,
  });
  return { result, seenAt, warnings: [...warnings, ...result.warnings] };
}
