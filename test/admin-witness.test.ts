import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRepos, copyDemo, DEMO_ADMIN_EVENTS, runCli } from './helpers/repo.js';

afterAll(cleanupRepos);

const NOW = '2026-11-22T10:05:00Z';
const ADMIN = 'chronicle/admin.jsonl';
type Status = {
  admin_head?: { seq: number; hash: string };
  admin_chain?: unknown;
  nodes: Record<string, { maintenance?: { state: string } }>;
};
const readStatus = async (repo: string) =>
  JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')) as Status;

/** The demo reconciled, so status/ witnesses the newest admin line (seq DEMO_ADMIN_EVENTS). */
async function reconciledDemo(): Promise<{ repo: string; admin: string }> {
  const repo = await copyDemo();
  expect((await runCli(['reconcile', '--repo', repo, '--now', NOW])).code).toBe(0);
  expect((await readStatus(repo)).admin_head).toMatchObject({
    seq: DEMO_ADMIN_EVENTS,
    hash: expect.stringMatching(/^[0-9a-f]{64}$/),
  });
  return { repo, admin: await readFile(path.join(repo, ADMIN), 'utf8') };
}

describe('the newest admin line is witnessed by status/ (admin_head)', () => {
  it('a removed newest line is reported by validate (exit 2) and by reconcile, which then records the new head', async () => {
    const { repo, admin } = await reconciledDemo();
    await writeFile(
      path.join(repo, ADMIN),
      admin
        .split('\n')
        .slice(0, DEMO_ADMIN_EVENTS - 1)
        .join('\n') + '\n',
    );
    const [head, before] = [DEMO_ADMIN_EVENTS, DEMO_ADMIN_EVENTS - 1];
    const problem = `chronicle/admin.jsonl:${head}:1 newest lines changed after reconcile: seq ${head} was removed: status/recommendations.json records seq ${head} as folded, the file ends at seq ${before}`;
    expect(await runCli(['validate', '--repo', repo])).toMatchObject({
      code: 2,
      stderr: `${problem}\nerror: 1 problem found\n`,
    });
    const reconciled = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(reconciled).toMatchObject({ code: 0, stderr: expect.stringContaining(`warning: ${problem}`) });
    expect((await readStatus(repo)).admin_head?.seq).toBe(before);
    expect((await readStatus(repo)).nodes.gateway!.maintenance?.state).toBe('Active');
  });

  it('an edited newest line is reported at its line', async () => {
    const { repo, admin } = await reconciledDemo();
    await writeFile(path.join(repo, ADMIN), admin.replace('kernel update', 'kernel upgrade'));
    expect(await runCli(['validate', '--repo', repo])).toMatchObject({
      code: 2,
      stderr: `chronicle/admin.jsonl:${DEMO_ADMIN_EVENTS}:1 newest lines changed after reconcile: seq ${DEMO_ADMIN_EVENTS} was edited: status/recommendations.json records seq ${DEMO_ADMIN_EVENTS} as folded with a different hash\nerror: 1 problem found\n`,
    });
    // Restored from git, it is whole again.
    await writeFile(path.join(repo, ADMIN), admin);
    expect(await runCli(['validate', '--repo', repo])).toMatchObject({ code: 0 });
  });

  it('appending after the witnessed head is not a change of history', async () => {
    const { repo } = await reconciledDemo();
    expect((await runCli(['maintenance', 'cordon', 'apps', '--repo', repo, '--now', NOW])).code).toBe(0);
    expect(await runCli(['validate', '--repo', repo])).toMatchObject({ code: 0 });
  });

  it('a status/ without admin_head (older labwarden, or none yet) witnesses nothing', async () => {
    const { repo, admin } = await reconciledDemo();
    const file = path.join(repo, 'status/recommendations.json');
    const status = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    delete status.admin_head;
    await writeFile(file, `${JSON.stringify(status, null, 2)}\n`);
    await writeFile(
      path.join(repo, ADMIN),
      admin
        .split('\n')
        .slice(0, DEMO_ADMIN_EVENTS - 1)
        .join('\n') + '\n',
    );
    expect(await runCli(['validate', '--repo', repo])).toMatchObject({ code: 0 });
  });
});
