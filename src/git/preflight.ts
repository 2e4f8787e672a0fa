import { existsSync } from 'node:fs';
import { readFile, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Git } from './client.js';
import { GitFailure } from './errors.js';
import { isUnder } from './paths.js';
import { recoverForeign } from './recover.js';

/** Where commitAndPush keeps the branch's starting point while it moves onto the remote. */
export const INTEGRATE_REF = 'refs/labwarden/integrate';

/** A git command a killed run started may still finish (it is an orphan now): give it this long. */
const INDEX_LOCK_WAIT_MS = 3_000;

export interface Upstream {
  remote: string;
  /** Branch name on the remote. */
  branch: string;
  /** Local remote-tracking ref, e.g. refs/remotes/origin/main. */
  tracking: string;
}

/**
 * Refuses early and clearly: not a repo, detached HEAD, another git at work, tracked changes
 * a person made. Called holding the repo lock (repo-lock.ts), so whatever a killed run left is
 * put right first: a rebase left half-done is aborted, a move onto the remote cut short goes
 * back to where it started (INTEGRATE_REF; the next push redoes it), and other writers'
 * leftover files are committed or dropped by their rule (recover.ts).
 */
export interface Preflight {
  branch: string;
  /** Changed paths under the owned ones (tracked or not): what a commit would contain. */
  owned: string[];
}

export async function preflight(git: Git, owned: string[]): Promise<Preflight> {
  const head = await git.head();
  if (!head) throw new GitFailure('not_a_repo', `${git.dir} is not a git work tree`);
  const { gitDir } = head;
  const indexLock = path.join(gitDir, 'index.lock');
  for (let waited = 0; existsSync(indexLock) && waited < INDEX_LOCK_WAIT_MS; waited += 100)
    await new Promise((resolve) => setTimeout(resolve, 100));
  // We hold the repo lock, so no labwarden command is using git here. A lock no git process holds
  // was left by a killed git (a timeout, kill -9, a power cut): it would refuse every run forever.
  if (existsSync(indexLock)) {
    const { gitAtWork } = await import('./index-lock.js');
    const dirs = await Promise.all([git.dir, gitDir].map((dir) => realpath(dir).catch(() => path.resolve(dir))));
    if ((await gitAtWork(dirs)) !== false) throw new GitFailure('busy', `${indexLock} exists`);
    await rm(indexLock, { force: true });
  }
  let branch = head.branch;
  if (await git.rebaseInProgress(gitDir)) {
    await git.run(['rebase', '--abort']);
    branch = await git.branch();
  }
  // Read from the files (no git process on every command): a loose ref, or packed by an auto gc.
  const packed = await readFile(path.join(gitDir, 'packed-refs'), 'utf8').catch(() => '');
  const interrupted =
    existsSync(path.join(gitDir, INTEGRATE_REF)) || packed.includes(` ${INTEGRATE_REF}\n`)
      ? await git.revParse(INTEGRATE_REF)
      : undefined;
  if (interrupted) {
    if (branch) await git.run(['reset', '--hard', interrupted]);
    await git.run(['update-ref', '-d', INTEGRATE_REF]);
  }
  if (!branch) throw new GitFailure('detached_head', 'HEAD is detached: labwarden commits only on a branch');
  const mine = (file: string) => owned.some((own) => isUnder(file, own));
  let changes = await git.changes();
  const foreign = changes.filter((change) => !change.untracked && !mine(change.path)).map((change) => change.path);
  if (foreign.length > 0) {
    await recoverForeign(git, foreign);
    changes = await git.changes();
  }
  return { branch, owned: changes.filter((change) => mine(change.path)).map((change) => change.path) };
}

/** The config keys resolveUpstream reads, and user.email (one `git config` call serves both). */
export const UPSTREAM_CONFIG = '^(user\\.email|branch\\..*\\.(remote|merge)|remote\\..*\\.url)$';

/** The branch's upstream (branch.<b>.remote/merge), or origin/<branch>. */
export async function resolveUpstream(git: Git, branch: string, config?: Map<string, string>): Promise<Upstream> {
  config ??= await git.configMatching(UPSTREAM_CONFIG);
  const remote = config.get(`branch.${branch}.remote`) ?? 'origin';
  const merge = config.get(`branch.${branch}.merge`)?.replace(/^refs\/heads\//, '') ?? branch;
  if (!config.get(`remote.${remote}.url`))
    throw new GitFailure('no_remote', `branch ${branch} has no remote to push to (looked for "${remote}")`);
  return { remote, branch: merge, tracking: `refs/remotes/${remote}/${merge}` };
}
