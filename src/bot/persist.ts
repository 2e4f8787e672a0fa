import { commitAndPush, Git, GitFailure, pullFastForward, type PullContext } from '../git/index.js';
import { formatDuration } from '../model/time.js';
import { MUTATING } from './commands.js';
import { currentCommand, withRepoLock } from '../git/repo-lock.js';
import { ADMIN_FILE } from '../maintenance/chain.js';
import { findFinalEvent, restateSeq } from '../maintenance/final-seq.js';
import type { AdminEvent } from '../model/index.js';
import type { AdminAppender, AdminAppendResult, AdminEventInput } from './admin-appender.js';
import type { Actor } from './authorize.js';
import { planCommand, type CommandRequest } from './plan-command.js';
import { readBotView } from './repo-view.js';

/** The git steps a command needs (the shared git layer; injectable for tests). */
export interface GitOps {
  /** Brings in the remote's commits (fast-forward); a repo without a remote has nothing to pull. */
  pull(): Promise<void>;
  /**
   * Commits chronicle/admin.jsonl as `author` and pushes when there is a remote. On a rejected
   * push the git layer re-appends the event on the remote's tail (the chain cannot be
   * union-merged). Returns the commit pushed, or undefined when nothing was committed.
   */
  commit(message: string, author: Actor): Promise<string | undefined>;
  /** Runs one whole command holding the checkout's repo lock (the runner and the CLI take it too). */
  exclusive?<T>(work: () => Promise<T>): Promise<T>;
}

/** The shared git layer (src/git): the same commit-and-push as `labwarden maintenance --push`. */
export function repoGitOps(repo: string): GitOps {
  const files = [ADMIN_FILE];
  // What the pull of the command in progress learnt (branch, config): its commit does not ask git again.
  let context: PullContext | undefined;
  return {
    async pull() {
      context = undefined;
      let pulled;
      try {
        pulled = await pullFastForward(repo, files);
      } catch (error) {
        if (!(error instanceof GitFailure && error.code === 'no_remote')) throw error;
        return;
      }
      // A remote that hangs fails the command now, before anything is committed.
      if (pulled.kind === 'offline' && pulled.timedOut) {
        const waited = formatDuration(new Git(repo).timeoutMs);
        throw new GitFailure(
          'remote_timeout',
          `remote ${pulled.remote} did not answer within ${waited}`,
          pulled.detail,
        );
      }
      if (pulled.kind === 'up_to_date' || pulled.kind === 'fast_forwarded') context = pulled.context;
    },
    exclusive: (work) => withRepoLock(repo, currentCommand(), work),
    async commit(message, author) {
      const actor = { name: author.name.replace(/[<>\n]/g, '') || author.id, email: `${author.id}@discord.invalid` };
      // Under the same lock as the pull, after one append to chronicle/admin.jsonl: nothing else changed.
      const preflighted = context ? { ...context, owned: files } : undefined;
      context = undefined;
      try {
        return (
          await commitAndPush(repo, { files, message, actor, push: true, ...(preflighted ? { preflighted } : {}) })
        ).commit;
      } catch (error) {
        // No remote configured: the commit is made before the push is tried, and stays local.
        if (!(error instanceof GitFailure && error.code === 'no_remote')) throw error;
        return new Git(repo).revParse('HEAD');
      }
    },
  };
}

export interface CommandOutcome {
  ephemeral: boolean;
  content: string;
  refused?: boolean;
  commit?: string;
}

/**
 * Runs commands that change something one at a time (two operators at once must not interleave
 * pull/append/push): pull, re-read the repo, plan, append through the shared appender, commit,
 * push. Read-only commands (`/status`, `/incidents`, `/help`) never wait behind them: they are
 * answered at once from the local checkout, without a pull or the repo lock.
 */
export type CommandRunner = ((request: CommandRequest) => Promise<CommandOutcome>) & { idle(): Promise<void> };

export function createCommandRunner(deps: {
  repo: string;
  appender: AdminAppender;
  git: GitOps;
  now: () => number;
}): CommandRunner {
  let queue: Promise<unknown> = Promise.resolve();
  const run = async (request: CommandRequest): Promise<CommandOutcome> => {
    await deps.git.pull();
    const now = deps.now();
    const plan = planCommand(request, await readBotView(deps.repo, now), now);
    if (plan.kind === 'reply')
      return { ephemeral: plan.ephemeral, content: plan.content, ...(plan.refused ? { refused: true } : {}) };
    const append = (input: AdminEventInput) => deps.appender(deps.repo, input, { now });
    const result: AdminAppendResult = await append(plan.input);
    if (!result.changed) return { ephemeral: false, content: `${result.message} (nothing changed)` };
    const message = `admin: ${plan.summary}\n\nby discord:${request.actor.name} (${request.actor.id})`;
    const commit = await deps.git.commit(message, request.actor);
    // A rejected push re-appends the event on the remote's tail: reply with the seq it has there.
    const event = result.event as AdminEvent;
    const final = await findFinalEvent(deps.repo, event);
    if (!final)
      throw new Error(
        `the ${event.action} event appended as seq ${event.seq} is not in ${ADMIN_FILE} after the commit`,
      );
    const content = restateSeq(result.message, event, final);
    if (!commit) return { ephemeral: false, content };
    return {
      ephemeral: false,
      content: `${content}\nCommitted ${commit.slice(0, 12)} as ${request.actor.name}.`,
      commit,
    };
  };
  const exclusive = deps.git.exclusive?.bind(deps.git) ?? (<T>(work: () => Promise<T>) => work());
  const answer = async (request: CommandRequest): Promise<CommandOutcome> => {
    const now = deps.now();
    const plan = planCommand(request, await readBotView(deps.repo, now), now);
    if (plan.kind === 'reply') return { ephemeral: plan.ephemeral, content: plan.content };
    throw new Error(`/${request.command} is read-only but planned a change`);
  };
  const runner = (request: CommandRequest): Promise<CommandOutcome> => {
    if (!MUTATING.has(request.command)) return answer(request);
    const next = queue.then(() => exclusive(() => run(request)));
    queue = next.catch(() => undefined);
    return next;
  };
  // Resolves once every command queued so far has finished (a SIGTERM lets them finish).
  return Object.assign(runner, { idle: () => queue.then(() => undefined) });
}
