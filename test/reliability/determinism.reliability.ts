import { cp, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateHomelab, GENERATED_NOW } from '../../bench/generate.js';
import { cleanupRepos, runCli, tempDir } from '../helpers/repo.js';

afterAll(cleanupRepos);

const ENVIRONMENTS = [
  { TZ: 'UTC', LANG: 'C', LC_ALL: 'C' },
  { TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
  { TZ: 'America/St_Johns', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' },
];

/** Every file under status/ and chronicle/, as bytes, keyed by path. */
async function outputs(repo: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const dir of ['status', 'chronicle']) {
    for (const name of (await readdir(path.join(repo, dir)).catch(() => [] as string[])).sort()) {
      out[`${dir}/${name}`] = await readFile(path.join(repo, dir, name), 'utf8');
    }
  }
  return out;
}

describe('determinism across processes, time zones and locales', () => {
  it.each(['yaml', 'json'] as const)('%s world: identical bytes from separate processes', async (format) => {
    const template = await tempDir();
    await generateHomelab({ dir: template, nodes: 120, services: 20, seed: 11, format, chronicleLines: 500 });
    const results: Record<string, string>[] = [];
    const printed: string[] = [];
    for (const env of ENVIRONMENTS) {
      const repo = await tempDir();
      await cp(template, repo, { recursive: true });
      const run = await runCli(['reconcile', '--repo', repo, '--now', GENERATED_NOW], { env });
      expect(run.code).toBe(0);
      results.push(await outputs(repo));
      const json = await runCli(['reconcile', '--repo', repo, '--now', GENERATED_NOW, '--dry-run', '--json'], { env });
      printed.push(json.stdout);
    }
    expect(Object.keys(results[0]!)).toContain('status/recommendations.json');
    for (const result of results.slice(1)) expect(result).toEqual(results[0]);
    for (const text of printed.slice(1)) expect(text).toBe(printed[0]);
    expect(printed[0]).toBe(results[0]!['status/recommendations.json']);
  });
});
