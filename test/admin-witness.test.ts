import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRepos, copyDemo, runCli } from './helpers/repo.js';

afterAll(cleanupRepos);

const NOW = '2026-11-22T10:05:00Z';
const ADMIN = 'chronicle/admin.jsonl';

/** The demo reconciled, so status/ witnesses the newest admin line (seq 2). */
async function reconciledDemo(): Promise<{ repo: string; admin: string }> {
  const repo = await copyDemo();
  expect((await runCli(['reconcile', '--repo', repo, '--now', NOW])).code).toBe(0);
  const status = JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')) as { admin_head?: { seq: number; hash: string } };
  expect(status.admin_head).toMatchObject({ seq: 2, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  return { repo, admin: await readFile(path.join(repo, ADMIN), 'utf8') };
}

describe('the newest admin line is witnessed by status/ (admin_head)', () => {
  it('a removed newest line is reported by validate, stays reported after reconcile, and blocks appends until restored', async () => {
    const { repo, admin } = await reconciledDemo();
    await writeFile(path.join(repo, ADMIN), admin.split('\n').slice(0, 1).join('\n') + '\n');
    const problem = 'chronicle/admin.jsonl:2:1 hash chain broken at seq 2: seq 2 was folded by reconcile (status/recommendations.json records it) but the file ends at seq 1: lines were removed';
    expect(await runCli(['validate', '--repo', repo])).toMatchObject({ code: 2, stderr: `${problem}\nerror: 1 problem found\n` });
    const reconciled = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(reconciled).toMatchObject({ code: 0, stderr: expect.stringContaining(`warning: ${problem}`) });
    // The witness is kept while the chain contradicts it: one reconcile does not launder the removal.
    expect(await runCli(['validate', '--repo', repo])).toMatchObject({ code: 2, stderr: `${problem}\nerror: 1 problem found\n` });
    expect(await runCli(['maintenance', 'cordon', 'apps', '--repo', repo, '--now', NOW])).toMatchObject({ code: 2, stderr: expect.stringContaining('nothing appended') });
    await writeFile(path.join(repo, ADMIN), admin);
    expect(await runCli(['validate', '--repo', repo])).toMatchObject({ code: 0 });
    expect(await runCli(['maintenance', 'cordon', 'apps', '--repo', repo, '--now', NOW])).toMatchObject({ code: 0 });
  });

  it('an edited newest line is reported, and only the lines before it are folded', async () => {
    const { repo, admin } = await reconciledDemo();
    await writeFile(path.join(repo, ADMIN), admin.replace('kernel update', 'kernel upgrade'));
    expect(await runCli(['validate', '--repo', repo])).toMatchObject({
      code: 2,
      stderr: 'chronicle/admin.jsonl:2:1 hash chain broken at seq 2: seq 2 was edited after reconcile folded it: status/recommendations.json records a different hash for it; 1 event from there on is ignored\nerror: 1 problem found\n',
    });
    expect((await runCli(['reconcile', '--repo', repo, '--now', NOW])).code).toBe(0);
    const status = JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')) as { admin_chain?: unknown; nodes: Record<string, { maintenance?: { state: string } }> };
    expect(status.admin_chain).toMatchObject({ break: { seq: 2, line: 2 }, ignored: 1 });
    expect(status.nodes.gateway!.maintenance?.state ?? 'Active').toBe('Active');
  });

  it('a status/ without admin_head (older labwarden, or none yet) witnesses nothing', async () => {
    const { repo, admin } = await reconciledDemo();
    const file = path.join(repo, 'status/recommendations.json');
    const status = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    delete status.admin_head;
    await writeFile(file, `${JSON.stringify(status, null, 2)}\n`);
    await writeFile(path.join(repo, ADMIN), admin.split('\n').slice(0, 1).join('\n') + '\n');
    expect(await runCli(['validate', '--repo', repo])).toMatchObject({ code: 0 });
  });
});
