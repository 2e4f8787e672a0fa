import { Git } from './client.js';
import { classifyRemoteError, GitFailure, remoteProblem } from './errors.js';

/**
 * A single-commit orphan branch holding one file: state that must outlive an ephemeral CI
 * checkout without ever entering main's history (heartbeats, the watchdog's episode state).
 * Each writer owns its ref, so a force-push never loses anyone else's data.
 */
export interface FileBranch {
  /** Branch name without refs/heads/, e.g. labwarden/heartbeat/pi. */
  branch: string;
  /** The one file's name in the commit's tree. */
  file: string;
}

/**
 * Force-pushes `branch` as one parentless commit holding `file` = `body`. Dated `date` (ISO), so
 * the same content at the same time is the same commit. Built with plumbing: the working tree,
 * the index and HEAD are never touched.
 */
export async function pushFileBranch(
  repo: string,
  target: FileBranch & { body: string; date: string; message: string; remote?: string },
): Promise<string> {
  const git = new Git(repo);
  const remote = target.remote ?? 'origin';
  const blob = (await git.exec(['hash-object', '-w', '--stdin'], { input: target.body })).trim();
  const tree = (await git.exec(['mktree'], { input: `100644 blob ${blob}\t${target.file}\n` })).trim();
  const date = `${target.date.replace(/(\.\d+)?Z$/, '')} +0000`;
  const env = {
    GIT_AUTHOR_NAME: 'labwarden',
    GIT_AUTHOR_EMAIL: 'labwarden@users.noreply.localhost',
    GIT_COMMITTER_NAME: 'labwarden',
    GIT_COMMITTER_EMAIL: 'labwarden@users.noreply.localhost',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
  const commit = (await git.exec(['commit-tree', tree, '-m', target.message], { env })).trim();
  const ref = `refs/heads/${target.branch}`;
  // Two writers of one ref at the same moment (Gitea ignores `concurrency`) race on the ref
  // lock; the loser simply tries again.
  for (let attempt = 1; ; attempt++) {
    const pushed = await git.attempt(['push', '--porcelain', '--force', remote, `${commit}:${ref}`]);
    if (pushed.ok) return commit;
    const outcome = classifyRemoteError(pushed.stderr);
    if (outcome !== 'rejected' || attempt >= 5) {
      throw new GitFailure(remoteProblem(outcome), `push of ${ref} to ${remote} failed`, pushed.stderr);
    }
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 100 * attempt));
  }
}

/**
 * Fetches one file branch from `remote` and returns its file, or undefined when the branch (or
 * the file) does not exist. An unreachable remote throws GitFailure.
 */
export async function readFileBranch(
  repo: string,
  source: FileBranch & { remote?: string },
): Promise<string | undefined> {
  const git = new Git(repo);
  const remote = source.remote ?? 'origin';
  const tracking = `refs/remotes/${remote}/${source.branch}`;
  const fetched = await git.attempt([
    'fetch',
    '--verbose',
    '--no-tags',
    remote,
    `+refs/heads/${source.branch}:${tracking}`,
  ]);
  if (!fetched.ok) {
    // A ref the remote lacks is "not there yet", not a failure.
    if (/couldn't find remote ref|no such ref|not our ref/i.test(fetched.stderr)) {
      await git.attempt(['update-ref', '-d', tracking]);
      return undefined;
    }
    const outcome = classifyRemoteError(fetched.stderr);
    throw new GitFailure(
      remoteProblem(outcome === 'rejected' ? 'unknown' : outcome),
      `fetch of ${source.branch} from ${remote} failed`,
      fetched.stderr,
    );
  }
  return readTrackedFile(repo, { ...source, remote });
}

/** The file as last fetched (refs/remotes/<remote>/<branch>), without touching the network. */
export async function readTrackedFile(
  repo: string,
  source: FileBranch & { remote?: string },
): Promise<string | undefined> {
  const shown = await new Git(repo).attempt([
    'show',
    `refs/remotes/${source.remote ?? 'origin'}/${source.branch}:${source.file}`,
  ]);
  return shown.ok ? shown.out : undefined;
}
