import {
  commitAndPush,
  describeCommitAndPush,
  type CommitAndPushOptions,
  type CommitAndPushResult,
} from '../git/commit-push.js';
import type { NodeObserveResult } from '../observer/index.js';

/** Checked before probing: an observer may only ever commit world snapshots. */
export const WORLD_DIR = 'world/nodes/';

export function observeCommitMessage(results: readonly NodeObserveResult[]): string {
  const changed = results.filter((result) => result.changed);
  const describe = (result: NodeObserveResult) => {
    const bad = Object.entries(result.counts)
      .filter(([status]) => status !== 'ok')
      .map(([status, n]) => `${n} ${status}`);
    return bad.length > 0 ? `${result.node} (${bad.join(', ')})` : result.node;
  };
  return `observe: ${changed.map(describe).join(', ')}`;
}

/**
 * Commits (and pushes) the snapshots an observe run rewrote: world/nodes/<node>.* of the
 * observed nodes only. One file per node, so concurrent observers never conflict; a rejected
 * push rebases onto the other writers' commits.
 */
export async function commitWorld(
  repo: string,
  results: readonly NodeObserveResult[],
  options: {
    push: boolean;
    /**
     * Chronicle files the run appended to besides the snapshots, committed with them: the
     * observer's automatic diagnostics, the executor's chronicle/remediations.jsonl.
     */
    extra?: readonly string[];
    git?: Pick<CommitAndPushOptions, 'maxAttempts' | 'backoff' | 'random' | 'sleep' | 'author'>;
  },
): Promise<CommitAndPushResult & { line: string }> {
  const worlds = results.filter((result) => result.changed).map((result) => result.file);
  const extra = options.extra ?? [];
  const files = [...worlds, ...extra];
  if (results.length === 0 || (files.length === 0 && !options.push))
    return { commit: undefined, message: '', pushed: false, attempts: 0, line: 'world unchanged' };
  const what = extra.map((file) =>
    file.endsWith('diagnostics.jsonl')
      ? `diagnostics of ${results.map((result) => result.node).join(', ')}`
      : 'remediation',
  );
  const message =
    worlds.length > 0
      ? [observeCommitMessage(results), ...what].join('; ')
      : what.length > 0
        ? `observe: ${what.join('; ')}`
        : 'observe';
  // With nothing changed, commitAndPush still pushes what an earlier (offline) run left unpushed.
  const outcome = await commitAndPush(repo, {
    files: files.length > 0 ? files : results.map((result) => result.file),
    message,
    push: options.push,
    ...options.git,
  });
  return { ...outcome, line: describeCommitAndPush(outcome, { push: options.push, unchanged: 'world unchanged' }) };
}
