import { UserError } from '../errors/problem.js';

/**
 * Everything the git layer can refuse to do, as data. `exit` is the CLI exit code: 2 when the
 * operator must fix something (credentials, checkout, tree), 1 when the environment failed
 * (remote down, lost every push race) and a later run will simply try again.
 */
export const GIT_PROBLEMS = {
  not_a_repo: { exit: 2, hint: 'Run inside a git clone of your homelab repo, or pass --repo DIR.' },
  detached_head: {
    exit: 2,
    hint: 'Check out a branch (`git switch main`); in Actions use actions/checkout with a branch ref.',
  },
  dirty_tree: { exit: 2, hint: 'Commit or stash these changes first; labwarden only commits the files it owns.' },
  busy: { exit: 2, hint: 'Another git command is running in this clone; run again when it has finished.' },
  locked: { exit: 1, hint: 'Another labwarden command is writing this checkout; run yours again when it is done.' },
  no_remote: {
    exit: 2,
    hint: 'Add one (`git remote add origin URL`) and set the upstream (`git push -u origin main`), or drop --push.',
  },
  auth_failed: {
    exit: 2,
    hint: 'Check the credentials: in Actions the job needs `permissions: contents: write`; locally, your SSH key or token.',
  },
  diverged: {
    exit: 2,
    hint: 'A file labwarden does not write was changed both here and on the remote. Resolve it by hand (`git pull --rebase`), then run again; your commit is kept.',
  },
  remote_timeout: {
    exit: 1,
    hint: 'The remote took the connection but did not answer. Check it; LABWARDEN_GIT_TIMEOUT (default 30s) sets how long git waits.',
  },
  remote_unreachable: { exit: 1, hint: 'Your commit is kept locally; the next run pushes it once the remote is back.' },
  push_rejected: {
    exit: 1,
    hint: 'Other writers kept winning the race; your commit is kept locally and the next run pushes it.',
  },
  git_failed: { exit: 1, hint: 'See the git output above.' },
} as const;

export type GitProblemCode = keyof typeof GIT_PROBLEMS;

/** A refusal of the git layer, with a code tests and callers can switch on. */
export class GitFailure extends UserError {
  readonly code: GitProblemCode;
  readonly detail: string;
  constructor(code: GitProblemCode, message: string, detail = '', hint?: string) {
    super(message, { hint: hint ?? GIT_PROBLEMS[code].hint, exitCode: GIT_PROBLEMS[code].exit });
    this.name = 'GitFailure';
    this.code = code;
    this.detail = detail;
  }
}

export type PushOutcome = 'rejected' | 'auth_failed' | 'remote_unreachable' | 'timeout' | 'unknown';

/**
 * What a failed push or fetch means, from git's stderr. simple-git throws a plain GitError for
 * all of them, so the message is the only signal; the patterns cover git 2.3x over file, ssh
 * and https remotes.
 */
export function classifyRemoteError(stderr: string): PushOutcome {
  // The git client's own words when it stopped a command that got no answer (client.ts timeoutText).
  if (/\(LABWARDEN_GIT_TIMEOUT\); the git command was stopped/.test(stderr)) return 'timeout';
  // With --porcelain the `[rejected]` line goes to stdout: stderr may hold only "Updates were rejected".
  // "cannot lock ref … but expected": another push landed between our ref check and update;
  // "… reference already exists": another push created the same new ref (a first heartbeat) first.
  if (
    /\[rejected\]|\(fetch first\)|non-fast-forward|cannot lock ref .* but expected|cannot lock ref .*: reference already exists|\(failed to update ref\)|incorrect old value|stale info|Updates were rejected/i.test(
      stderr,
    )
  )
    return 'rejected';
  if (
    /Authentication failed|could not read Username|could not read Password|Permission denied \(publickey|returned error: 40[13]|Permission to .* denied|HTTP Basic: Access denied|invalid credentials|terminal prompts disabled/i.test(
      stderr,
    )
  ) {
    return 'auth_failed';
  }
  if (
    /does not appear to be a git repository|Could not resolve host|Connection refused|Connection timed out|unable to access|Could not read from remote repository|No route to host|Network is unreachable|remote end hung up/i.test(
      stderr,
    )
  ) {
    return 'remote_unreachable';
  }
  return 'unknown';
}

/** The problem code for a fetch or push that failed with `outcome` (unknown → unreachable). */
export function remoteProblem(outcome: PushOutcome): GitProblemCode {
  if (outcome === 'auth_failed') return 'auth_failed';
  if (outcome === 'timeout') return 'remote_timeout';
  if (outcome === 'rejected') return 'push_rejected';
  return 'remote_unreachable';
}
