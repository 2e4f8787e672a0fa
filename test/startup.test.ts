import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, cleanupRepos, copyDemo, PROJECT_ROOT, tempDir } from './helpers/repo.js';

// Startup speed (issue 19) is measured in bench/startup.mjs; this test guards its cause: the
// commands that run most (and --version, --help) must not load the heavy packages.
const HEAVY = ['simple-git', 'zod', 'discord.js', 'astro', 'yaml', 'js-yaml'];
const HOOK = path.join(PROJECT_ROOT, 'test/helpers/record-imports.mjs');
const NOW = '2026-11-22T10:05:00Z';

afterAll(cleanupRepos);

/** The packages under node_modules/ a CLI run resolved, by name. */
async function packagesLoaded(args: string[]): Promise<{ code: number; packages: string[] }> {
  const record = path.join(await tempDir('labwarden-imports-'), 'imports.txt');
  const code = await new Promise<number>((resolve) => {
    execFile(
      process.execPath,
      ['--import', HOOK, CLI, ...args],
      { env: { ...process.env, NO_COLOR: '1', RECORD_IMPORTS: record } },
      (error) => resolve(error ? Number(error.code ?? 1) : 0),
    );
  });
  const urls = (await readFile(record, 'utf8').catch(() => '')).split('\n');
  const packages = urls.flatMap((url) => {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    return match ? [match[1]!] : [];
  });
  return { code, packages: [...new Set(packages)].sort() };
}

describe('CLI startup loads only what the command needs', () => {
  it.each([[['--version']], [['--help']], [['status', '--help']]])(
    'labwarden %j loads none of the heavy packages',
    async (args) => {
      const { code, packages } = await packagesLoaded(args);
      expect(code).toBe(0);
      expect(packages.filter((name) => HEAVY.includes(name))).toEqual([]);
    },
  );

  it('status and a warm no-change reconcile load none of them', async () => {
    const repo = await copyDemo();
    const cold = await packagesLoaded(['reconcile', '--repo', repo, '--now', NOW]);
    expect(cold.code).toBe(0);
    const status = await packagesLoaded(['status', '--repo', repo]);
    expect(status).toEqual({ code: 0, packages: [] });
    const warm = await packagesLoaded(['reconcile', '--repo', repo, '--now', NOW]);
    expect(warm.code).toBe(0);
    expect(warm.packages.filter((name) => HEAVY.includes(name))).toEqual([]);
  });

  it('the recorder sees them where they are needed: validate parses YAML with zod schemas', async () => {
    const { code, packages } = await packagesLoaded(['validate', '--repo', await copyDemo()]);
    expect(code).toBe(0);
    expect(packages).toEqual(expect.arrayContaining(['zod', 'js-yaml']));
  });
});
