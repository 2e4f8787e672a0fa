import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { cleanupRepos, runCli, tempDir } from '../helpers/repo.js';
import { captureIo, LOCATED, mixedHomelab, writeFiles } from './fixture.js';
import { mutate, mutationArbitrary, type Mutation } from './mutate.js';

const NOW = '2026-11-22T10:05:00Z';
const STATUS = 'status/recommendations.json';
const FUZZ_RUNS = 5000;
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
async function checkOutcome(repo: string, outcome: Outcome, mutatedPath: string, mutatedText: string, statusBefore: string): Promise<'ok' | 'rejected'> {
  expect(outcome.stderr).not.toMatch(/internal error/);
  expect([0, 2]).toContain(outcome.code);
  const status = await readFile(path.join(repo, STATUS), 'utf8');
  const lines = outcome.stderr.split('\n').filter(Boolean);
  for (const line of lines.filter((l) => LOCATED.test(l))) {
    const [, file, lineNo] = LOCATED.exec(line)!;
    expect(targets).toContain(file);
    const max = (file === mutatedPath ? mutatedText : files[file!]!).split('\n').length + 1;
    expect(Number(lineNo)).toBeGreaterThanOrEqual(1);
    expect(Number(lineNo)).toBeLessThanOrEqual(max);
  }
  // No temp file or half-written status is ever left behind.
  expect((await readdir(path.join(repo, 'status'))).filter((name) => name !== 'insights.json')).toEqual(['recommendations.json']);
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

describe('fuzz: mutated inventory, world, policy, chronicle and heartbeat files', () => {
  it(`${FUZZ_RUNS} mutations in-process: success or exit 2 with file:line:col, never a crash or a partial write`, async () => {
    const repo = await tempDir();
    await writeFiles(repo, files);
    const baseline = captureIo();
    expect(await main(['reconcile', '--repo', repo, '--now', NOW], baseline)).toBe(0);
    const good = await readFile(path.join(repo, STATUS), 'utf8');
    const counts = { ok: 0, rejected: 0 };

    await fc.assert(
      fc.asyncProperty(fc.nat(targets.length - 1), mutationArbitrary, async (index, mutation: Mutation) => {
        const target = targets[index]!;
        const text = mutate(target, files[target]!, mutation);
        await writeFile(path.join(repo, target), text);
        try {
          const io = captureIo();
          const code = await main(['reconcile', '--repo', repo, '--now', NOW], io);
          counts[await checkOutcome(repo, { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') }, target, text, good)]++;
        } finally {
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
    const samples = fc.sample(fc.tuple(fc.nat(targets.length - 1), mutationArbitrary, fc.constantFrom('reconcile', 'validate')), { seed: 9, numRuns: CLI_SAMPLE });
    for (const [index, mutation, command] of samples) {
      const repo = await tempDir();
      await writeFiles(repo, files);
      await mkdir(path.join(repo, 'status'), { recursive: true });
      await writeFile(path.join(repo, STATUS), '{"summary":"nominal","recommendations":[]}\n');
      const target = targets[index]!;
      const text = mutate(target, files[target]!, mutation);
      await writeFile(path.join(repo, target), text);
      const result = await runCli(command === 'reconcile' ? [command, '--repo', repo, '--now', NOW] : [command, '--repo', repo]);
      if (command === 'reconcile') await checkOutcome(repo, { code: result.code, stdout: result.stdout, stderr: result.stderr }, target, text, '{"summary":"nominal","recommendations":[]}\n');
      else {
        expect(result.stderr).not.toMatch(/internal error/);
        expect([0, 2]).toContain(result.code);
        if (result.code === 2) expect(result.stdout + result.stderr).toMatch(/^(?:inventory|world|chronicle)\/\S+:\d+:\d+ /m);
      }
    }
  });
});
