import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { UserError } from '../errors/problem.js';
import { Duration, formatDuration } from '../model/time.js';

/** A git command that failed: its arguments and git's own words. */
export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')}: ${stderr.trim()}`);
    this.name = 'GitCommandError';
  }
}

/** The git commands that talk to a remote: each is bounded by LABWARDEN_GIT_TIMEOUT. */
const NETWORK = new Set(['fetch', 'push', 'pull', 'ls-remote', 'clone']);

export const DEFAULT_GIT_TIMEOUT_MS = 30_000;

/**
 * How long a network git command may go without any answer before it is killed:
 * `LABWARDEN_GIT_TIMEOUT` (a duration as in policy.yaml: `30s`, `2m`, `1m30s`, or seconds),
 * default 30 s. A value that is not a duration is an error, not silently the default.
 */
export function gitTimeoutMs(env: Record<string, string | undefined> = process.env): number {
  const value = env.LABWARDEN_GIT_TIMEOUT;
  if (value === undefined || value === '') return DEFAULT_GIT_TIMEOUT_MS;
  const parsed = Duration.safeParse(/^\d+$/.test(value) ? Number(value) : value);
  if (!parsed.success || parsed.data <= 0) {
    throw new UserError(
      `LABWARDEN_GIT_TIMEOUT: expected a duration such as 30s, 2m or 1m30s, found "${value.slice(0, 40)}"`,
      {
        hint: 'Unset it for the default (30s), or give a positive duration.',
      },
    );
  }
  return parsed.data;
}

/** What a killed network command reports as its stderr; classifyRemoteError knows it as `timeout`. */
export function timeoutText(ms: number): string {
  return `no answer from the remote within ${formatDuration(ms)} (LABWARDEN_GIT_TIMEOUT); the git command was stopped`;
}

/**
 * `git rev-list --count` always prints a number: anything else (an empty read) is an error, never
 * 0 ("nothing to push" would then be a lie).
 */
export function parseCount(out: string, range: string): number {
  const text = out.trim();
  if (!/^\d+$/.test(text))
    throw new GitCommandError(
      ['rev-list', '--count', range],
      `expected a count of commits, git printed "${text.slice(0, 40)}"`,
    );
  return Number(text);
}

/** `-c` settings for every command: no editor, no pager, no prompt (a prompt would hang a cron job). */
const BASE_CONFIG = ['-c', 'core.editor=true', '-c', 'core.pager=cat', '-c', 'advice.detachedHead=false'];

/**
 * The thin git client: plain commands, no policy. simple-git waits 50 ms after any command
 * that printed nothing (plugin "completion"), so commands here are asked to print something
 * (`add --verbose`, `fetch --verbose`, `status --branch`, no `--quiet`): that is 50 ms per
 * command on every commit, measured by `npm run bench:git`. The commit/push rules live in
 * commit-push.ts; this file only knows how to ask git.
 */
export class Git {
  private readonly sg: SimpleGit;
  /** For NETWORK commands: simple-git kills the child after `timeoutMs` without output. */
  private readonly net: SimpleGit;
  readonly timeoutMs: number;
  constructor(readonly dir: string) {
    this.timeoutMs = gitTimeoutMs();
    // The only "unsafe" settings used are the fixed ones in BASE_CONFIG (editor `true`, pager `cat`).
    const options = {
      baseDir: dir,
      maxConcurrentProcesses: 2,
      trimmed: false,
      unsafe: { allowUnsafeEditor: true, allowUnsafePager: true },
      // A command is over when its output has ended ('close'), never 50 ms after it exited
      // (simple-git's default `onExit: 50`): on a loaded machine the pipe is read later than that,
      // and a status, rev-list or show read as empty was taken for "nothing changed", "nothing
      // unpushed", "no events", so a writer reported pushed events the remote never got
      // (test/git-late-output.test.ts). simple-git 3+ documents this as the coming default.
      completion: { onClose: true, onExit: false },
      // simple-git fails a command only when it exited non-zero AND wrote to stderr: a git killed
      // by a signal (exit code null) or failing silently passed for a success, a push for
      // "pushed". Any exit but 0 is a failure.
      errors: (
        error: Buffer | Error | undefined,
        result: { exitCode: number | null; stdOut: Buffer[]; stdErr: Buffer[] },
      ) =>
        error ??
        (result.exitCode === 0
          ? undefined
          : Buffer.concat([
              ...result.stdOut,
              ...result.stdErr,
              Buffer.from(
                result.exitCode === null ? 'git was stopped by a signal' : `git exited with code ${result.exitCode}`,
              ),
            ])),
    };
    this.sg = simpleGit(options);
    this.net = simpleGit({ ...options, timeout: { block: this.timeoutMs } });
  }

  async run(args: string[]): Promise<string> {
    const network = NETWORK.has(args[0] ?? '');
    try {
      return await (network ? this.net : this.sg).raw([...BASE_CONFIG, ...args]);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      throw new GitCommandError(
        args,
        network && /block timeout reached/.test(text) ? timeoutText(this.timeoutMs) : text,
      );
    }
  }

  /** Runs and reports failure as data instead of throwing. */
  async attempt(args: string[]): Promise<{ ok: true; out: string } | { ok: false; stderr: string }> {
    try {
      return { ok: true, out: await this.run(args) };
    } catch (error) {
      if (error instanceof GitCommandError) return { ok: false, stderr: error.stderr };
      throw error;
    }
  }

  /**
   * For the plumbing that needs stdin or a private environment (simple-git passes neither).
   */
  exec(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<string> {
    const timeout = NETWORK.has(args[0] ?? '') ? this.timeoutMs : 0;
    return new Promise((resolve, reject) => {
      const child = execFile(
        'git',
        [...BASE_CONFIG, ...args],
        {
          cwd: this.dir,
          env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...options.env },
          maxBuffer: 64 * 1024 * 1024,
          timeout,
        },
        (error, stdout, stderr) => {
          if (!error) resolve(stdout);
          else
            reject(new GitCommandError(args, timeout && error.killed ? timeoutText(timeout) : stderr || error.message));
        },
      );
      // git may exit before reading stdin (an error): that EPIPE is reported through the callback.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input ?? '');
    });
  }

  /**
   * Where and on what we are, in one process: the git dir and the checked-out branch
   * (undefined on a detached HEAD). undefined altogether outside a work tree.
   */
  async head(): Promise<{ gitDir: string; branch: string | undefined } | undefined> {
    const result = await this.attempt([
      'rev-parse',
      '--is-inside-work-tree',
      '--absolute-git-dir',
      '--symbolic-full-name',
      'HEAD',
    ]);
    if (!result.ok) return undefined;
    const [inside, gitDir, ref] = result.out.split('\n');
    if (inside !== 'true' || !gitDir) return undefined;
    return { gitDir, branch: ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined };
  }

  async isRepo(): Promise<boolean> {
    return (await this.head()) !== undefined;
  }

  async gitDir(): Promise<string> {
    return (await this.run(['rev-parse', '--absolute-git-dir'])).trim();
  }

  /** The checked-out branch, or undefined on a detached HEAD. */
  async branch(): Promise<string | undefined> {
    return (await this.head())?.branch;
  }

  /** Every config entry whose key matches `pattern` (a git regexp). */
  async configMatching(pattern: string): Promise<Map<string, string>> {
    const result = await this.attempt(['config', '--get-regexp', pattern]);
    const entries = new Map<string, string>();
    if (!result.ok) return entries;
    for (const line of result.out.split('\n')) {
      const space = line.indexOf(' ');
      if (space > 0) entries.set(line.slice(0, space), line.slice(space + 1));
    }
    return entries;
  }

  /** Paths under `paths` that differ from HEAD (staged, unstaged or untracked); fine with paths that do not exist. */
  async changedUnder(paths: string[]): Promise<string[]> {
    return paths.length === 0 ? [] : (await this.changes(paths)).map((change) => change.path);
  }

  async config(key: string): Promise<string | undefined> {
    const result = await this.attempt(['config', '--get', key]);
    return result.ok ? result.out.trim() || undefined : undefined;
  }

  async revParse(ref: string): Promise<string | undefined> {
    const result = await this.attempt(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return result.ok ? result.out.trim() || undefined : undefined;
  }

  /** Paths that differ from HEAD, from `git status` (untracked ones flagged); `paths` narrows it. */
  async changes(paths: string[] = []): Promise<{ path: string; untracked: boolean }[]> {
    const out = await this.run(['status', '--porcelain=v1', '--branch', '-z', '--untracked-files=all', '--', ...paths]);
    const changes: { path: string; untracked: boolean }[] = [];
    const fields = out.split('\0');
    for (let i = 0; i < fields.length; i++) {
      const entry = fields[i]!;
      if (entry.length < 4 || entry.startsWith('## ')) continue;
      changes.push({ path: entry.slice(3), untracked: entry.startsWith('??') });
      if (entry[0] === 'R' || entry[0] === 'C') changes.push({ path: fields[++i]!, untracked: false }); // the rename's source
    }
    return changes;
  }

  /** Tracked paths with changes (staged or not). */
  async changedPaths(): Promise<string[]> {
    return (await this.changes()).filter((change) => !change.untracked).map((change) => change.path);
  }

  async trackedUnder(paths: string[]): Promise<string[]> {
    if (paths.length === 0) return [];
    return (await this.run(['ls-files', '-z', '--', ...paths])).split('\0').filter(Boolean);
  }

  async stagedUnder(paths: string[]): Promise<string[]> {
    if (paths.length === 0) return [];
    return (await this.run(['diff', '--cached', '--name-only', '-z', '--', ...paths])).split('\0').filter(Boolean);
  }

  async conflicted(): Promise<string[]> {
    return (await this.run(['diff', '--name-only', '-z', '--diff-filter=U'])).split('\0').filter(Boolean);
  }

  async rebaseInProgress(gitDir?: string): Promise<boolean> {
    const dir = gitDir ?? (await this.gitDir());
    return existsSync(path.join(dir, 'rebase-merge')) || existsSync(path.join(dir, 'rebase-apply'));
  }

  async count(range: string): Promise<number> {
    return parseCount(await this.run(['rev-list', '--count', range]), range);
  }
}
