import { cp, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../errors/problem.js';
import { Git } from '../git/client.js';
import { diffRecommendations, type RecommendationDiff } from '../reconciler/diff.js';
import { runReconcile } from '../reconciler/run.js';

/** Writes the tree of `ref` into a fresh temp folder, through a private index (the repo's is untouched). */
async function materialize(repo: string, ref: string): Promise<string> {
  const git = new Git(repo);
  if (!(await git.isRepo()))
    throw new UserError(`${repo} is not a git work tree`, {
      hint: '`plan` compares against a git ref; run it inside a clone.',
    });
  const commit = await git.revParse(ref);
  if (!commit)
    throw new UserError(`--base: unknown ref "${ref}"`, {
      hint: 'Fetch it first (in Actions: actions/checkout with fetch-depth: 2 and --base HEAD^1).',
    });
  const dir = await mkdtemp(path.join(tmpdir(), 'labwarden-plan-'));
  const env = { GIT_INDEX_FILE: path.join(dir, '.index') };
  await git.exec(['read-tree', commit], { env });
  await git.exec(['checkout-index', '--all', '--force', `--prefix=${dir}/`], { env });
  await rm(env.GIT_INDEX_FILE, { force: true });
  // Liveness is not in git: both sides see the same local heartbeats.
  const beats = path.join(repo, '.labwarden/heartbeats');
  if (existsSync(beats)) await cp(beats, path.join(dir, '.labwarden/heartbeats'), { recursive: true });
  return dir;
}

/**
 * What merging the working tree would do to the recommendations: reconcile both the base ref
 * and the working tree at the same `now`, and diff. A base that does not reconcile (it had
 * invalid inventory) counts as having no recommendations.
 */
export async function planChange(options: { repo: string; base: string; now: number }): Promise<RecommendationDiff> {
  const head = await runReconcile({ repo: options.repo, now: options.now, dryRun: true });
  const baseDir = await materialize(options.repo, options.base);
  try {
    const base = await runReconcile({ repo: baseDir, now: options.now, dryRun: true }).catch((error: unknown) => {
      if (error instanceof UserError) return undefined;
      throw error;
    });
    return diffRecommendations(base?.result, head.result);
  } finally {
    await rm(baseDir, { recursive: true, force: true });
  }
}
