import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateHomelab, GENERATED_NOW } from '../bench/generate.js';
import { cleanupRepos, runCli, tempDir } from './helpers/repo.js';

const CACHE = '.labwarden/cache/parsed.json';
const STATUS = 'status/recommendations.json';

afterAll(cleanupRepos);

describe('parse cache (CLI): correctness never depends on it', async () => {
  const repo = await tempDir();
  await generateHomelab({ dir: repo, nodes: 30, services: 10, seed: 2, format: 'yaml', chronicleLines: 50 });
  const first = await runCli(['reconcile', '--repo', repo, '--now', GENERATED_NOW]);
  const expected = await readFile(path.join(repo, STATUS), 'utf8');

  it('the first run writes the cache', async () => {
    expect(first.code).toBe(0);
    expect(JSON.parse(await readFile(path.join(repo, CACHE), 'utf8'))).toMatchObject({
      fingerprint: expect.any(String),
    });
  });

  it.each([
    ['missing', null],
    ['garbage bytes', '\u0000\u00ff not json'],
    ['truncated', '{"fingerprint":"x","entries":[["inventory/policy.yaml",'],
    ['another fingerprint', '{"fingerprint":"old","entries":[]}'],
    ['wrong shape', '{"entries":{"a":1}}'],
  ])('a %s cache means a full run with the same result', async (_name, content) => {
    await rm(path.join(repo, STATUS));
    if (content === null) await rm(path.join(repo, CACHE), { force: true });
    else {
      await mkdir(path.dirname(path.join(repo, CACHE)), { recursive: true });
      await writeFile(path.join(repo, CACHE), content);
    }
    const run = await runCli(['reconcile', '--repo', repo, '--now', GENERATED_NOW]);
    expect(run.code).toBe(0);
    expect(await readFile(path.join(repo, STATUS), 'utf8')).toBe(expected);
    expect(JSON.parse(await readFile(path.join(repo, CACHE), 'utf8')).entries.length).toBeGreaterThan(60);
  });

  it('a warm run still honours --now: staleness is decided after the cache', async () => {
    const later = await runCli(['reconcile', '--repo', repo, '--now', '2026-11-22T12:05:00Z', '--dry-run', '--json']);
    expect(later.code).toBe(0);
    expect(later.stdout).not.toBe(expected);
    expect(JSON.parse(later.stdout).summary).toBe('unstable');
  });
});
