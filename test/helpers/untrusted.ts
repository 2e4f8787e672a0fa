import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { LIMITS } from '../../src/model/limits.js';
import { runCli } from './repo.js';

// Shared by the untrusted-*.test.ts files: nothing a writer can commit makes the next run crash,
// run out of memory or write unbounded output (issue 16).

export const NOW = '2026-11-22T10:05:00Z';
export const INCIDENTS = 'chronicle/incidents.jsonl';

/** One line and a hint, never a stack trace or a bug report. */
export const noStack = (stderr: string) => {
  expect(stderr).not.toMatch(/internal error|this is a bug|\n\s+at /);
};

/** Reconcile exits 0, the node is `unknown` with the reason, and the run adds a few lines, not the amplified file. */
export async function reconcileKeepsNodeUnknown(repo: string, node: string, reason: RegExp) {
  const before = (await stat(path.join(repo, INCIDENTS))).size;
  const result = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
  expect(result.code).toBe(0);
  noStack(result.stderr);
  const status = JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')) as {
    nodes: Record<string, { health: string }>;
    recommendations: { node: string; reason: string }[];
  };
  expect(status.nodes[node]!.health).toBe('unknown');
  const rec = status.recommendations.find((entry) => entry.node === node)!;
  expect(rec.reason).toMatch(reason);
  expect(rec.reason.length).toBeLessThanOrEqual(LIMITS.recommendationReasonChars);
  expect((await stat(path.join(repo, INCIDENTS))).size - before).toBeLessThan(20_000);
  return result;
}
