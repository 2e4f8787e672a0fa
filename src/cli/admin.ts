import type { Command } from 'commander';
import type { AdminRequest } from '../maintenance/append.js';
import type { Io } from './io.js';
import { parseNow, repoDir } from './options.js';

export interface AdminOptions {
  repo: string;
  now?: string;
  reason?: string;
  actor?: string;
  commit?: boolean;
  push?: boolean;
}

/** Who runs the command, unless --actor says otherwise. */
export function defaultActor(): string {
  return process.env.LABWARDEN_ACTOR || process.env.USER || process.env.USERNAME || 'cli';
}

export function withAdminOptions(command: Command): Command {
  return command
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--now <iso>', 'time of the event (default: the wall clock)')
    .option('--reason <text>', 'why, for the chronicle and the status page')
    .option('--actor <name>', 'who asks (default: $LABWARDEN_ACTOR or $USER)')
    .option('--commit', 'commit chronicle/admin.jsonl')
    .option('--push', "commit and push (on a rejected push: the event is re-appended on the remote's tail)");
}

/**
 * Appends through the one library function the bot uses too, and prints what happened. The
 * whole append-commit-push holds the repo lock, so a runner or the bot sharing the checkout
 * waits instead of finding the appended line uncommitted.
 */
export async function runAdmin(
  io: Io,
  options: AdminOptions,
  request: Omit<AdminRequest, 'actor' | 'reason'>,
): Promise<void> {
  const { appendAdminEvent } = await import('../maintenance/append.js');
  const { commitAndPush, describeReappended } = await import('../git/commit-push.js');
  const { Git } = await import('../git/client.js');
  const { preflight } = await import('../git/preflight.js');
  const { currentCommand, withRepoLock } = await import('../git/repo-lock.js');
  const { ADMIN_FILE } = await import('../maintenance/chain.js');
  const { findFinalEvent, restateSeq } = await import('../maintenance/final-seq.js');
  const repo = repoDir(options.repo);
  const full: AdminRequest = {
    ...request,
    actor: options.actor ?? defaultActor(),
    ...(options.reason !== undefined ? { reason: options.reason } : {}),
  };
  parseNow(options.now); // a bad --now is refused before waiting for the lock
  const git = Boolean(options.commit || options.push);
  await withRepoLock(repo, currentCommand(), async () => {
    // The wall clock is read once the lock is ours: commands that waited append in the order they
    // run, so `at` never goes back along the chain.
    const now = parseNow(options.now);
    // Refuse a non-repo, a detached HEAD or foreign changes before appending: an event appended
    // but not committed would turn the retry into "nothing to do", leaving it uncommitted.
    if (git) await preflight(new Git(repo), [ADMIN_FILE]);
    const outcome = await appendAdminEvent(repo, full, { now });
    if (!git || !outcome.changed) io.out(outcome.message);
    if (!git) return;
    const subject = `admin: ${full.action}${full.node ? ` ${full.node}` : ''} by ${full.actor}`;
    let result;
    try {
      result = await commitAndPush(repo, {
        files: [ADMIN_FILE],
        message: full.reason ? `${subject}\n\n${full.reason}` : subject,
        push: Boolean(options.push),
      });
    } catch (error) {
      // The event is in the local chain at the seq the message names; the next push may re-chain it.
      if (outcome.changed) io.out(`${outcome.message} (in the local chain; not pushed)`);
      throw error;
    }
    if (outcome.changed) {
      // Say where the event is now: a rejected push re-appends it on the remote's tail.
      const final = await findFinalEvent(repo, outcome.event);
      if (!final)
        throw new Error(
          `the ${full.action} event appended as seq ${outcome.event.seq} is not in ${ADMIN_FILE} after the commit`,
        );
      io.out(restateSeq(outcome.message, outcome.event, final));
    }
    // A no-op still commits and pushes what an interrupted earlier run left behind; else it stays quiet.
    if (!outcome.changed && !result.commit && result.attempts === 0) return;
    const moved = result.reappended?.length ? `; ${describeReappended(result.reappended)}` : '';
    io.out(
      `${result.commit ? `committed ${result.commit.slice(0, 7)}` : 'nothing to commit'}${options.push ? (result.pushed ? `; pushed (${result.attempts} attempt${result.attempts === 1 ? '' : 's'})` : '; not pushed') : ''}${moved}`,
    );
  });
}
