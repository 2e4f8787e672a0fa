import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { cleanupRepos, runCli, tempDir } from '../helpers/repo.js';
import { captureIo, LOCATED, mixedHomelab, writeFiles } from './fixture.js';
import { fileMutationArbitrary, mutateFile, type FileMutation } from './mutate.js';

const NOW = '2026-11-22T10:05:00Z';
const STATUS = 'status/recommendations.json';
const FUZZ_RUNS = Number(process.env.LABWARDEN_FUZZ_RUNS ?? 5000);
const CLI_SAMPLE = 40;

afterAll(cleanupRepos);

const files = mixedHomelab({ nodes: 6, services: 4, seed: 7, format: 'yaml', chronicleLines: 12 });
const targets = Object.keys(files).sort();

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** What every run must satisfy, whatever the mutation: the contract for bad input. */
async function checkOutcome(
  repo: string,
  outcome: Outcome,
  mutatedPath: string | null,
  mutatedText: string,
  statusBefore: string,
): Promise<'ok' | 'rejected'> {
  expect(outcome.stderr).not.toMatch(/internal error/);
  expect([0, 2]).toContain(outcome.code);
  const status = await readFile(path.join(repo, STATUS), 'utf8');
  const lines = outcome.stderr.split('\n').filter(Boolean);
  for (const line of lines.filter((l) => LOCATED.test(l))) {
    const [, file, lineNo] = LOCATED.exec(line)!;
    // A file of the fixture, the mutated one under its new name, or a node folder (a warning).
    if (/^inventory\/hosts\/[^/]+$/.test(file!)) {
      expect(lineNo).toBe('1');
      continue;
    }
    expect([...targets, mutatedPath]).toContain(file);
    const max = (file === mutatedPath ? mutatedText : files[file!]!).split('\n').length + 1;
    expect(Number(lineNo)).toBeGreaterThanOrEqual(1);
    expect(Number(lineNo)).toBeLessThanOrEqual(max);
  }
  // No temp file or half-written status is ever left behind.
  expect((await readdir(path.join(repo, 'status'))).filter((name) => name !== 'insights.json')).toEqual([
    'recommendations.json',
  ]);
  if (outcome.code === 2) {
    expect(lines.some((l) => LOCATED.test(l))).toBe(true);
    expect(status).toBe(statusBefore);
    return 'rejected';
  }
  const parsed = JSON.parse(status) as { summary: string; recommendations: unknown[] };
  expect(['nominal', 'degraded', 'unstable', 'reconciling']).toContain(parsed.summary);
  expect(Array.isArray(parsed.recommendations)).toBe(true);
  return 'ok';
}

/**
 * Writes the mutated file (under its new name, if misnamed; the original removed). Empty,
 * misnamed and invalid UTF-8 files must be reported: a located problem, or a warning for a
 * node folder without services.yaml, never a silent success.
 */
async function applyMutation(
  repo: string,
  target: string,
  mutation: FileMutation,
): Promise<{ path: string | null; text: string }> {
  const mutated = mutateFile(target, files[target]!, mutation);
  if (mutated.path !== target) await rm(path.join(repo, target));
  if (mutated.path !== null) await writeFile(path.join(repo, mutated.path), mutated.content);
  return { path: mutated.path, text: mutated.content.toString() };
}

/** What a file mutation must be reported as (heartbeats are advisory: a bad one is skipped). */
function reportOf(target: string, mutation: FileMutation): RegExp {
  if (target.startsWith('.labwarden/')) return /(?:)/;
  if (mutation.kind === 'bad-byte')
    return new RegExp(
      `^(?:warning: )?${target.replaceAll('.', '\\.')}:\\d+:\\d+ invalid UTF-8 byte 0x[0-9A-F]{2}`,
      'm',
    );
  // A `#` line is a YAML comment, but in a JSON snapshot it is simply not JSON (reported as such).
  const jsonComment = mutation.kind === 'empty' && target.endsWith('.json') && mutation.text.trim().startsWith('#');
  if (mutation.kind === 'empty' && !jsonComment && /(?:services\.yaml|^world\/.*)$/.test(target))
    return new RegExp(`^(?:warning: )?${target.replaceAll('.', '\\.')}:1:1 file is empty`, 'm');
  if (mutation.kind === 'misname' && /^inventory\/hosts\//.test(target))
    return new RegExp(`not read: a node folder holds only host\\.yaml and services\\.yaml`);
  if (mutation.kind === 'remove' && target.endsWith('/services.yaml')) return /has no services\.yaml/;
  return /(?:)/;
}

describe('fuzz: mutated inventory, world, policy, chronicle and heartbeat files', () => {
  it(`${FUZZ_RUNS} mutations in-process: success or exit 2 with file:line:col, never a crash or a partial write`, async () => {
    const repo = await tempDir();
    await writeFiles(repo, files);
    const baseline = captureIo();
    expect(await main(['reconcile', '--repo', repo, '--now', NOW], baseline)).toBe(0);
    const good = await readFile(path.join(repo, STATUS), 'utf8');
    const counts = { ok: 0, rejected: 0 };

    await fc.assert(
      fc.asyncProperty(fc.nat(targets.length - 1), fileMutationArbitrary, async (index, mutation: FileMutation) => {
        const target = targets[index]!;
        const mutated = await applyMutation(repo, target, mutation);
        try {
          const io = captureIo();
          const code = await main(['reconcile', '--repo', repo, '--now', NOW], io);
          const stderr = io.stderr.join('\n');
          counts[
            await checkOutcome(repo, { code, stdout: io.stdout.join('\n'), stderr }, mutated.path, mutated.text, good)
          ]++;
          expect(stderr).toMatch(reportOf(target, mutation));
        } finally {
          if (mutated.path !== null && mutated.path !== target) await rm(path.join(repo, mutated.path));
          await writeFile(path.join(repo, target), files[target]!);
          await writeFile(path.join(repo, STATUS), good);
        }
      }),
      { numRuns: FUZZ_RUNS, seed: 20261123, endOnFailure: true },
    );
    console.log(`fuzz: ${FUZZ_RUNS} runs, ${counts.ok} reconciled, ${counts.rejected} rejected with exit 2`);
    expect(counts.ok + counts.rejected).toBe(FUZZ_RUNS);
  });

  it(`a sample of ${CLI_SAMPLE} mutations through the CLI as child processes`, async () => {
    const samples = fc.sample(
      fc.tuple(fc.nat(targets.length - 1), fileMutationArbitrary, fc.constantFrom('reconcile', 'validate')),
      { seed: 9, numRuns: CLI_SAMPLE },
    );
    for (const [index, mutation, command] of samples) {
      const repo = await tempDir();
      await writeFiles(repo, files);
      await mkdir(path.join(repo, 'status'), { recursive: true });
      await writeFile(path.join(repo, STATUS), '{"summary":"nominal","recommendations":[]}\n');
      const target = targets[index]!;
      const mutated = await applyMutation(repo, target, mutation);
      const result = await runCli(
        command === 'reconcile' ? [command, '--repo', repo, '--now', NOW] : [command, '--repo', repo],
      );
      if (command === 'reconcile')
        await checkOutcome(
          repo,
          { code: result.code, stdout: result.stdout, stderr: result.stderr },
          mutated.path,
          mutated.text,
          '{"summary":"nominal","recommendations":[]}\n',
        );
      else {
        expect(result.stderr).not.toMatch(/internal error/);
        expect([0, 2]).toContain(result.code);
        if (result.code === 2)
          expect(result.stdout + result.stderr).toMatch(/^(?:inventory|world|chronicle)\/\S+:\d+:\d+ /m);
      }
    }
  });
});
