import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../src/model/limits.js';
import { cleanupRepos, copyDemo, runCli } from './helpers/repo.js';
import { NOW, noStack, reconcileKeepsNodeUnknown } from './helpers/untrusted.js';

afterAll(cleanupRepos);

// Nothing a writer can commit makes the next run crash, run out of memory or write unbounded
// output (issue 16): every limit is a file:line:col problem in validate (exit 2), and in
// reconcile the node whose world file breaks one is `unknown` with the reason.

describe('file size, entries and text limits', () => {
  it('a 10 MB world file with ~290k unknown services: validate and reconcile agree, nothing crashes', async () => {
    const repo = await copyDemo();
    const lines = ['node: media', 'observed_at: 2026-11-22T10:00:00Z', 'status: online', 'services:'];
    for (let i = 0; i < 290_000; i++) lines.push(`  - {name: unknown-service-${i}, status: ok}`);
    await writeFile(path.join(repo, 'world/nodes/media.yaml'), `${lines.join('\n')}\n`);
    const validate = await runCli(['validate', '--repo', repo]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain('world/nodes/media.yaml:1:1 is 12.9 MiB; at most 1 MiB is read\n');
    noStack(validate.stderr);
    await reconcileKeepsNodeUnknown(repo, 'media', /world\/nodes\/media\.yaml:1:1 is 12\.9 MiB; at most 1 MiB is read/);
  });

  it('more services than a node may have, under the size limit: located, and the node is unknown', async () => {
    const repo = await copyDemo();
    const lines = ['node: media', 'observed_at: 2026-11-22T10:00:00Z', 'status: online', 'services:'];
    for (let i = 0; i < 1500; i++) lines.push(`  - {name: u${i}, status: ok}`);
    await writeFile(path.join(repo, 'world/nodes/media.yaml'), `${lines.join('\n')}\n`);
    const validate = await runCli(['validate', '--repo', repo]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(
      'world/nodes/media.yaml:5:3 services: 1500 entries; at most 1000 services per node\n',
    );
    await reconcileKeepsNodeUnknown(repo, 'media', /services: 1500 entries; at most 1000 services per node/);
  });

  it('texts over their limit: detail and summary', async () => {
    const repo = await copyDemo();
    const file = path.join(repo, 'world/nodes/media.yaml');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('"HTTP 503 from /health"', `"${'y'.repeat(LIMITS.detailChars + 1)}"`),
    );
    const validate = await runCli(['validate', '--repo', repo]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(
      /^world\/nodes\/media\.yaml:6:47 services\[0\]\.detail: at most 1000 characters \(found 1001\)$/m,
    );
    const report = await runCli([
      'report-incident',
      'pi',
      '--id',
      'ups',
      '--severity',
      'warning',
      '--summary',
      'z'.repeat(LIMITS.summaryChars + 1),
      '--repo',
      repo,
      '--now',
      NOW,
    ]);
    expect(report.code).toBe(2);
    expect(report.stderr).toMatch(
      /^error: world\/nodes\/pi\.yaml: incidents\.0\.summary: at most 500 characters; nothing written$/m,
    );
    noStack(report.stderr);
  });
});
