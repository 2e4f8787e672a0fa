import { spawn } from 'node:child_process';

/** What running an external tool produced: it exited, or it could not run at all. */
export type CommandResult =
  | { kind: 'exited'; code: number; stdout: string; stderr: string }
  | { kind: 'error'; reason: 'not_found' | 'aborted' | 'spawn_failed'; message: string };

/**
 * Runs argv[0] with the rest as arguments. Injected into the systemd, docker and command
 * probes, so tests replay recorded outputs of the real tools through the same code.
 */
export type CommandRunner = (argv: readonly string[], options: RunOptions) => Promise<CommandResult>;

export interface RunOptions {
  signal: AbortSignal;
  /** The child's whole environment (default: ours with LC_ALL=C). Diagnostics pass a minimal one. */
  env?: NodeJS.ProcessEnv;
}

const MAX_OUTPUT = 64 * 1024;

/**
 * The real runner. The child gets its own process group and an abort kills the whole group
 * (SIGKILL): `sh -c "sleep 999"` leaves a grandchild that would otherwise hold the pipes open
 * and keep the run (and the CLI process) alive.
 */
export const spawnRunner: CommandRunner = (argv, { signal, env }) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve({ kind: 'error', reason: 'aborted', message: 'aborted before start' });
    const [file, ...args] = argv;
    const child = spawn(file!, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: env ?? { ...process.env, LC_ALL: 'C' },
    });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (result: CommandResult) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      child.stdout.destroy();
      child.stderr.destroy();
      finish({ kind: 'error', reason: 'aborted', message: 'aborted' });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish(
        error.code === 'ENOENT'
          ? { kind: 'error', reason: 'not_found', message: `${file}: command not found` }
          : { kind: 'error', reason: 'spawn_failed', message: `${file}: ${error.message}` },
      ),
    );
    child.on('close', (code, killedBy) =>
      finish({ kind: 'exited', code: code ?? (killedBy ? 128 : 1), stdout, stderr }),
    );
  });
