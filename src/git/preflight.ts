import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Git } from './client.js';
import { GitFailure } from './errors.js';
import { isUnder } from './paths.js';

export interface Upstream {
  remote: string;
  /** Branch name on the remote. */
  branch: string;
  /** Local remote-tracking ref, e.g. refs/remotes/origin/main. */
  tracking: string;
}

/**
 * Refuses early and clearly: not a repo, detached HEAD, another git at work, tracked changes
 * the writer does not own. A rebase left half-done by a killed run is aborted first, which puts
 * the branch back on its last commit.
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
  if (existsSync(path.join(gitDir, 'index.lock'))) throw new GitFailure('busy', `${path.join(gitDir, 'index.lock')} exists`);
  let branch = head.branch;
  if (await git.rebaseInProgress(gitDir)) {
    await git.run(['rebase', '--abort']);
    branch = await git.branch();
  }
  if (!branch) throw new GitFailure('detached_head', 'HEAD is detached: labwarden commits only on a branch');
  const changes = await git.changes();
  const mine = (file: string) => owned.some((own) => isUnder(file, own));
  const foreign = changes.filter((change) => !change.untracked && !mine(change.path)).map((change) => change.path);
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 10).join(', ') + (foreign.length > 10 ? ` and ${foreign.length - 10} more` : '');
    throw new GitFailure('dirty_tree', `uncommitted changes outside the files this command writes: ${shown}`);
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
  if (!config.get(`remote.${remote}.url`)) throw new GitFailure('no_remote', `branch ${branch} has no remote to push to (looked for "${remote}")`);
  return { remote, branch: merge, tracking: `refs/remotes/${remote}/${merge}` };
}
