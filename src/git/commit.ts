import type { Git } from './client.js';

export interface Author {
  name: string;
  email: string;
}

export const DEFAULT_AUTHOR: Author = { name: 'labwarden', email: 'labwarden@users.noreply.localhost' };

/** Git refuses nothing this size, and a log stays readable; diff summaries are shorter anyway. */
const MAX_MESSAGE = 16_000;

/**
 * Stages and commits exactly the owned paths; returns the new commit, or undefined if none
 * changed. `author` is set only when git has no identity configured; `changed` skips a status.
 * The message goes through stdin (`-F -`), never argv: argv has a size limit (E2BIG).
 */
export async function commitOwned(
  git: Git,
  files: string[],
  message: string,
  author?: Author,
  changed?: string[],
): Promise<string | undefined> {
  // `git status` accepts paths that do not exist (yet); `git add` would fail on them.
  changed ??= await git.changedUnder(files);
  if (changed.length === 0) return undefined;
  await git.run(['add', '--verbose', '--all', '--', ...changed]);
  // Never simple-git's commit(): with nothing staged it returns an empty hash instead of failing.
  // Here git itself refuses an empty commit, and status said there are changes.
  const identity = author ? ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`] : [];
  const bounded =
    message.length > MAX_MESSAGE
      ? `${message.slice(0, MAX_MESSAGE)}\n… (message cut at ${MAX_MESSAGE} characters)\n`
      : message;
  await git.exec(
    [...identity, 'commit', '--no-verify', '--cleanup=verbatim', '--file', '-', '--only', '--', ...changed],
    { input: bounded },
  );
  return git.revParse('HEAD');
}
