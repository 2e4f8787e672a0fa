import { simpleGit } from 'simple-git';
import type { AdminAppender } from './admin-appender.js';
import type { Actor } from './authorize.js';
import { planCommand, type CommandRequest } from './plan-command.js';
import { readBotView } from './repo-view.js';

/** The git steps a command needs; injected so the bot can use the shared git layer. */
export interface GitOps {
  pull(): Promise<void>;
  /** Commits the given files as `author` and pushes (retrying on a lost race); returns the commit. */
  commitAndPush(files: string[], message: string, author: Actor): Promise<string>;
}

/**
 * INJECTION POINT (git layer): a small simple-git implementation. A repo without a remote
 * is committed locally only. A rejected push (another runner pushed first) is retried
 * after `pull --rebase`, up to `attempts` times.
 */
export function simpleGitOps(repo: string, attempts = 3): GitOps {
  const git = simpleGit(repo);
  const hasRemote = async () => (await git.getRemotes()).length > 0;
  return {
    async pull() {
      if (await hasRemote()) await git.pull(['--rebase']);
    },
    async commitAndPush(files, message, author) {
      await git.add(files);
      await git.commit(message, files, { '--author': `${author.name.replace(/[<>\n]/g, '')} <${author.id}@discord.invalid>` });
      const sha = (await git.revparse(['HEAD'])).trim();
      if (!(await hasRemote())) return sha;
      for (let attempt = 1; ; attempt += 1) {
        try {
          await git.push();
          return (await git.revparse(['HEAD'])).trim();
        } catch (error) {
          if (attempt >= attempts) throw error;
          await git.pull(['--rebase']);
        }
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
 * Runs commands one at a time (two operators at once must not interleave pull/append/push):
 * pull, re-read the repo, plan, append through the shared appender, commit, push.
 */
export function createCommandRunner(deps: { repo: string; appender: AdminAppender; git: GitOps; now: () => number }): (request: CommandRequest) => Promise<CommandOutcome> {
  let queue: Promise<unknown> = Promise.resolve();
  const run = async (request: CommandRequest): Promise<CommandOutcome> => {
    await deps.git.pull();
    const now = deps.now();
    const plan = planCommand(request, await readBotView(deps.repo, now), now);
    if (plan.kind === 'reply') return { ephemeral: plan.ephemeral, content: plan.content, ...(plan.refused ? { refused: true } : {}) };
    const result = await deps.appender(deps.repo, plan.input, { now });
    if (!result.changed) return { ephemeral: false, content: `${result.message} (nothing changed)` };
    const commit = await deps.git.commitAndPush(['chronicle/admin.jsonl'], `admin: ${plan.summary}\n\nby discord:${request.actor.name} (${request.actor.id})`, request.actor);
    return { ephemeral: false, content: `${result.message}\nCommitted ${commit.slice(0, 12)} as ${request.actor.name}.`, commit };
  };
  return (request) => {
    const next = queue.then(() => run(request));
    queue = next.catch(() => undefined);
    return next;
  };
}
