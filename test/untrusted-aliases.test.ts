import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRepos, copyDemo, runCli } from './helpers/repo.js';
import { NOW, noStack, reconcileKeepsNodeUnknown } from './helpers/untrusted.js';

afterAll(cleanupRepos);

// Nothing a writer can commit makes the next run crash, run out of memory or write unbounded
// output (issue 16): every limit is a file:line:col problem in validate (exit 2), and in
// reconcile the node whose world file breaks one is `unknown` with the reason.

describe('YAML aliases', () => {
  it('one anchor reused thousands of times (243 KB on disk): a located problem, not 100 MB of chronicle', async () => {
    const repo = await copyDemo();
    const big = 'x'.repeat(900);
    const lines = [
      'node: media',
      'observed_at: 2026-11-22T10:00:00Z',
      'status: online',
      'services:',
      `  - { name: jellyfin, status: failed, detail: &big "${big}" }`,
    ];
    for (let i = 0; i < 2400; i++) lines.push(`  - { name: s${i}, status: failed, detail: *big }`);
    const text = `${lines.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(60_000);
    await writeFile(path.join(repo, 'world/nodes/media.yaml'), text);

    const validate = await runCli(['validate', '--repo', repo]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(
      'world/nodes/media.yaml:6:41 YAML aliases expand this file beyond 1 MiB of data; write the values out or use fewer aliases\n',
    );
    expect(validate.stderr).toMatch(/^hint: .*Anchors and aliases may save typing/m);
    await reconcileKeepsNodeUnknown(repo, 'media', /world\/nodes\/media\.yaml:6:41 YAML aliases expand/);
  });

  it('nested aliases (a billion laughs in 1 KB) are refused at once', async () => {
    const repo = await copyDemo();
    const lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 10; i++)
      lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    await writeFile(path.join(repo, 'inventory/policy.yaml'), `${lines.join('\n')}\n`);
    const started = Date.now();
    const validate = await runCli(['validate', '--repo', repo]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain('inventory/policy.yaml:2:10 YAML aliases expand this file beyond 1 MiB of data');
    const reconcile = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(reconcile.code).toBe(2);
    expect(reconcile.stderr).toContain('inventory/policy.yaml:2:10 YAML aliases expand');
    noStack(reconcile.stderr);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a few aliases within the limit are fine', async () => {
    const repo = await copyDemo();
    const file = path.join(repo, 'world/nodes/media.yaml');
    await writeFile(
      file,
      (await readFile(file, 'utf8'))
        .replace('detail: "HTTP 503 from /health" }', 'detail: &why "HTTP 503 from /health" }')
        .replace('{ name: sonarr, status: ok }', '{ name: sonarr, status: failed, detail: *why }'),
    );
    const validate = await runCli(['validate', '--repo', repo]);
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
  });
});
