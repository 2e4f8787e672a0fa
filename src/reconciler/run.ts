import path from 'node:path';
import { UserError, type Problem } from '../errors/problem.js';
import { readIfExists, writeIfChanged } from '../fs/atomic.js';
import type { ReconcileResult } from '../model/index.js';
import { buildRepoModel, readRepoSources } from '../repo/index.js';
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
export async function runReconcile(options: { repo: string; now: number; dryRun?: boolean }): Promise<ReconcileRun> {
  const model = buildRepoModel(await readRepoSources(options.repo));
  if (model.fatal.length > 0) {
    throw new UserError(`${model.fatal.length} problem${model.fatal.length === 1 ? '' : 's'} in the desired state; status/ left as it was`, {
      problems: model.fatal,
      hint: 'Fix these and run again; `labwarden validate` lists every problem.',
    });
  }
  const result = reconcile({ inventory: model.inventory, world: model.world, heartbeats: model.heartbeats, policy: model.policy, now: options.now });
  const text = serializeResult(result);
  const file = path.join(options.repo, STATUS_FILE);
  const changed = (await readIfExists(file)) !== text;
  const written = changed && !options.dryRun ? await writeIfChanged(file, text) : false;
  const fatal = new Set(model.fatal);
  return { result, text, changed, written, warnings: model.problems.filter((problem) => !fatal.has(problem)) };
}
