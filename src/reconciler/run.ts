import path from 'node:path';
import { UserError, type Problem } from '../errors/problem.js';
import { readIfExists, writeIfChanged } from '../fs/atomic.js';
import type { ReconcileResult } from '../model/index.js';
import { buildRepoModel, loadParseCache, readRepoSources, saveParseCache } from '../repo/index.js';
import { GitError, readHeartbeatBranches } from '../observer/heartbeat.js';
import { reconcile } from './reconcile.js';
import { serializeResult } from './serialize.js';

export const STATUS_FILE = 'status/recommendations.json';

export interface ReconcileRun {
  result: ReconcileResult;
  text: string;
  /** Whether status/recommendations.json differs from what is on disk. */
  changed: boolean;
  written: boolean;
  /** Problems in world snapshots: those nodes are `unknown`, the rest is reconciled. */
  warnings: Problem[];
}

/**
 * Reads the repo, reconciles and writes status/ atomically. Inventory, policy or chronicle
 * problems stop the run before anything is written, so the last good status stays.
 */
export async function runReconcile(options: { repo: string; now: number; dryRun?: boolean; heartbeatRemote?: string }): Promise<ReconcileRun> {
  const sources = await readRepoSources(options.repo);
  const { cache, fingerprint } = loadParseCache(options.repo);
  const model = buildRepoModel(sources, { cache });
  if (!options.dryRun) await saveParseCache(options.repo, cache, fingerprint);
  if (model.fatal.length > 0) {
    throw new UserError(`${model.fatal.length} problem${model.fatal.length === 1 ? '' : 's'} in the desired state; status/ left as it was`, {
      problems: model.fatal,
      hint: 'Fix these and run again; `labwarden validate` lists every problem.',
    });
  }
  const heartbeats = new Map(model.heartbeats);
  // The heartbeat branches (labwarden/heartbeat/<node>) only ever add liveness: take the later time.
  if (options.heartbeatRemote) {
    const remote = await readHeartbeatBranches(options.repo, options.heartbeatRemote).catch((error: unknown) => {
      if (!(error instanceof GitError)) throw error;
      throw new UserError(`could not fetch the heartbeat branches from "${options.heartbeatRemote}": ${error.message}`, { hint: 'Check the remote name and that it is reachable, or run without --heartbeat-remote.' });
    });
    for (const [node, seen] of remote) heartbeats.set(node, Math.max(seen, heartbeats.get(node) ?? -Infinity));
  }
  const result = reconcile({ inventory: model.inventory, world: model.world, heartbeats, policy: model.policy, now: options.now });
  const text = serializeResult(result);
  const file = path.join(options.repo, STATUS_FILE);
  const changed = (await readIfExists(file)) !== text;
  const written = changed && !options.dryRun ? await writeIfChanged(file, text) : false;
  const fatal = new Set(model.fatal);
  return { result, text, changed, written, warnings: model.problems.filter((problem) => !fatal.has(problem)) };
}
