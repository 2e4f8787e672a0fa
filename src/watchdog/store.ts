import path from 'node:path';
import { writeIfChanged } from '../fs/atomic.js';
import { readRepoFile } from '../fs/safe-path.js';
import { GitFailure } from '../git/errors.js';
import { pushFileBranch, readFileBranch, type FileBranch } from '../git/file-branch.js';
import { WatchdogState } from './episodes.js';

/**
 * Where a watcher's episodes live between runs. Two places, the newer wins:
 * - `.labwarden/watchdog/<watcher>.json` (git-ignored): enough for the local runner and for
 *   observers on a node, which keep their clone;
 * - the single-commit branch `labwarden/watchdog/<watcher>` on the remote: what survives an
 *   ephemeral CI checkout. Never on main, never a growing history; each watcher owns its ref.
 * When the remote itself is what fails, the branch cannot be read or written and every run
 * alerts again: loud, never silent.
 */
export const WATCHDOG_PREFIX = 'labwarden/watchdog/';

export const localStateFile = (repo: string, watcher: string) => path.join(repo, localStatePath(watcher));
const localStatePath = (watcher: string) => `.labwarden/watchdog/${watcher}.json`;
export const stateBranch = (watcher: string): FileBranch => ({
  branch: `${WATCHDOG_PREFIX}${watcher}`,
  file: `${watcher}.json`,
});

function parseState(text: string | undefined, watcher: string): WatchdogState | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = WatchdogState.safeParse(JSON.parse(text));
    // A broken or foreign state only means "no episode remembered": at worst one extra alert.
    return parsed.success && parsed.data.watcher === watcher ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export const serializeState = (state: WatchdogState) => `${JSON.stringify(state, null, 2)}\n`;

export async function readLocalState(repo: string, watcher: string): Promise<WatchdogState | undefined> {
  return parseState(await readRepoFile(repo, localStatePath(watcher)).catch(() => undefined), watcher);
}

/** Throws GitFailure when the remote cannot be reached. */
export async function readRemoteState(
  repo: string,
  watcher: string,
  remote: string,
): Promise<WatchdogState | undefined> {
  return parseState(await readFileBranch(repo, { ...stateBranch(watcher), remote }), watcher);
}

export async function writeLocalState(repo: string, state: WatchdogState): Promise<void> {
  await writeIfChanged(repo, localStatePath(state.watcher), serializeState(state));
}

export async function pushRemoteState(repo: string, state: WatchdogState, remote: string): Promise<void> {
  await pushFileBranch(repo, {
    ...stateBranch(state.watcher),
    body: serializeState(state),
    date: state.updated_at,
    message: `watchdog ${state.watcher} ${state.updated_at}`,
    remote,
  });
}

export const isGitFailure = (error: unknown): error is GitFailure => error instanceof GitFailure;
