import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { foldAdminEvents } from '../src/maintenance/chain.js';
import { demoFiles, git, makeRemote } from './helpers/git.js';
import { cleanupRepos, DEMO_ADMIN_EVENTS, runCli, type CliResult } from './helpers/repo.js';

afterAll(cleanupRepos);

const ADMIN = 'chronicle/admin.jsonl';

/** The CLI in this process (the machine is shared: a child process costs a second or more). */
async function lab(args: string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  const io = {
    out: (text: string) => stdout.push(line(text)),
    err: (text: string) => stderr.push(line(text)),
    color: false,
    exitCode: 0,
  };
  const code = await main(args, io);
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

async function remoteChain(url: string) {
  const chain = foldAdminEvents(`${await git(url, 'show', `main:${ADMIN}`)}\n`);
  expect(chain.break).toBeUndefined();
  for (let i = 1; i < chain.events.length; i++)
    expect(Date.parse(chain.events[i]!.at)).toBeGreaterThanOrEqual(Date.parse(chain.events[i - 1]!.at));
  return chain.events;
}

const describeEvents = (events: { actor: string; action: string; node: string | null }[]) =>
  events.map((e) => `${e.actor} ${e.action} ${e.node}`);

async function expectConverged(dir: string, url: string) {
  expect(await git(dir, 'status', '--porcelain')).toBe('');
  expect(await git(dir, 'rev-parse', 'HEAD')).toBe(await git(url, 'rev-parse', 'main'));
}

describe('an unpushed admin commit never wedges a clone (issue 16, item 1)', () => {
  it('A --commit, B --push, A --push: A’s event lands once after B’s, later in time; reconcile --push then succeeds', async () => {
    const remote = await makeRemote(await demoFiles());
    const [a, b] = [await remote.clone(), await remote.clone()];
    const committed = await lab([
      'maintenance',
      'cordon',
      'media',
      '--repo',
      a,
      '--actor',
      'alice',
      '--now',
      '2026-11-22T10:10:00Z',
      '--commit',
    ]);
    expect(committed.code).toBe(0);
    expect(committed.stdout).toMatch(
      new RegExp(
        `^media: cordon recorded as seq ${DEMO_ADMIN_EVENTS + 1}; Active -> Cordoned\ncommitted [0-9a-f]{7}\n$`,
      ),
    );
    expect(
      (
        await lab([
          'maintenance',
          'cordon',
          'pi',
          '--repo',
          b,
          '--actor',
          'bob',
          '--now',
          '2026-11-22T10:20:00Z',
          '--push',
        ])
      ).code,
    ).toBe(0);

    const again = await runCli([
      'maintenance',
      'cordon',
      'media',
      '--repo',
      a,
      '--actor',
      'alice',
      '--now',
      '2026-11-22T10:30:00Z',
      '--push',
    ]);
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
    expect(again.stdout).toMatch(
      new RegExp(
        `nothing to do\ncommitted [0-9a-f]{7}; pushed \\(2 attempts\\); 1 admin event re-appended on the remote's tail as seq ${DEMO_ADMIN_EVENTS + 2}\n$`,
      ),
    );
    const events = (await remoteChain(remote.url)).slice(DEMO_ADMIN_EVENTS);
    expect(describeEvents(events)).toEqual(['bob cordon pi', 'alice cordon media']);
    // Re-appended after B's event, so never before it in time.
    expect(events.map((e) => e.at)).toEqual(['2026-11-22T10:20:00Z', '2026-11-22T10:20:00Z']);
    expect(await git(remote.url, 'log', '-1', '--format=%s', 'main')).toBe('admin: cordon media by alice');
    await expectConverged(a, remote.url);

    const reconciled = await lab(['reconcile', '--repo', a, '--now', '2026-11-22T10:31:00Z', '--push']);
    expect({ code: reconciled.code, stderr: reconciled.stderr }).toEqual({ code: 0, stderr: '' });
    await expectConverged(a, remote.url);
  }, 120_000);

  it('reconcile --push carries a local admin commit it did not make, and the seq printed is the final one', async () => {
    const remote = await makeRemote(await demoFiles());
    const [a, b] = [await remote.clone(), await remote.clone()];
    expect(
      (
        await lab([
          'maintenance',
          'drain',
          'media',
          '--repo',
          a,
          '--actor',
          'alice',
          '--now',
          '2026-11-22T10:10:00Z',
          '--commit',
        ])
      ).code,
    ).toBe(0);
    expect(
      (
        await lab([
          'maintenance',
          'cordon',
          'pi',
          '--repo',
          b,
          '--actor',
          'bob',
          '--now',
          '2026-11-22T10:20:00Z',
          '--push',
        ])
      ).code,
    ).toBe(0);
    const reconciled = await lab(['reconcile', '--repo', a, '--now', '2026-11-22T10:31:00Z', '--push']);
    expect({ code: reconciled.code, stderr: reconciled.stderr }).toEqual({ code: 0, stderr: '' });
    expect(describeEvents((await remoteChain(remote.url)).slice(DEMO_ADMIN_EVENTS))).toEqual([
      'bob cordon pi',
      'alice drain media',
    ]);
    await expectConverged(a, remote.url);
    // status/ was regenerated on the merged chain: it folds alice's drain at its new seq.
    const status = JSON.parse(await readFile(path.join(a, 'status/recommendations.json'), 'utf8')) as {
      admin?: { seq: number };
    };
    expect(JSON.stringify(status)).toContain('"media"');

    // A fresh push race: bob again, then alice with --push directly; her output names the seq after bob's, not her local one.
    expect(
      (
        await lab([
          'maintenance',
          'uncordon',
          'pi',
          '--repo',
          b,
          '--actor',
          'bob',
          '--now',
          '2026-11-22T10:40:00Z',
          '--push',
        ])
      ).code,
    ).toBe(0);
    const late = await lab([
      'maintenance',
      'cordon',
      'storage',
      '--repo',
      a,
      '--actor',
      'alice',
      '--now',
      '2026-11-22T10:35:00Z',
      '--push',
    ]);
    expect(late.code).toBe(0);
    expect(late.stdout).toMatch(
      new RegExp(
        `^storage: cordon recorded as seq ${DEMO_ADMIN_EVENTS + 4} \\(re-appended after the remote's events, at 2026-11-22T10:40:00Z\\); Active -> Cordoned\ncommitted [0-9a-f]{7}; pushed \\(2 attempts\\); 1 admin event re-appended on the remote's tail as seq ${DEMO_ADMIN_EVENTS + 4}\n$`,
      ),
    );
    const events = await remoteChain(remote.url);
    expect(events.at(-1)).toMatchObject({
      seq: DEMO_ADMIN_EVENTS + 4,
      actor: 'alice',
      action: 'cordon',
      node: 'storage',
      at: '2026-11-22T10:40:00Z',
    });
  }, 120_000);

  it('a run killed half-way through moving onto the remote is put back and redone by the next one', async () => {
    const remote = await makeRemote(await demoFiles());
    const [a, b] = [await remote.clone(), await remote.clone()];
    expect(
      (
        await lab([
          'maintenance',
          'cordon',
          'media',
          '--repo',
          a,
          '--actor',
          'alice',
          '--now',
          '2026-11-22T10:10:00Z',
          '--commit',
        ])
      ).code,
    ).toBe(0);
    expect(
      (
        await lab([
          'maintenance',
          'cordon',
          'pi',
          '--repo',
          b,
          '--actor',
          'bob',
          '--now',
          '2026-11-22T10:20:00Z',
          '--push',
        ])
      ).code,
    ).toBe(0);
    // What a kill -9 leaves after the rebase took the remote's admin.jsonl and before the re-append:
    // the branch on the remote's head, the local event only in refs/labwarden/integrate.
    await git(a, 'fetch', '--quiet');
    await git(a, 'update-ref', 'refs/labwarden/integrate', 'HEAD');
    await git(a, 'reset', '--quiet', '--hard', 'origin/main');
    const next = await lab([
      'maintenance',
      'cordon',
      'storage',
      '--repo',
      a,
      '--actor',
      'alice',
      '--now',
      '2026-11-22T10:30:00Z',
      '--push',
    ]);
    expect({ code: next.code, stderr: next.stderr }).toEqual({ code: 0, stderr: '' });
    expect(describeEvents((await remoteChain(remote.url)).slice(DEMO_ADMIN_EVENTS))).toEqual([
      'bob cordon pi',
      'alice cordon media',
      'alice cordon storage',
    ]);
    await expectConverged(a, remote.url);
    expect(await git(a, 'for-each-ref', 'refs/labwarden/')).toBe('');
  }, 120_000);

  it('a rebase left in conflict by a killed run is aborted and the clone converges', async () => {
    const remote = await makeRemote(await demoFiles());
    const [a, b] = [await remote.clone(), await remote.clone()];
    expect(
      (
        await lab([
          'maintenance',
          'cordon',
          'media',
          '--repo',
          a,
          '--actor',
          'alice',
          '--now',
          '2026-11-22T10:10:00Z',
          '--commit',
        ])
      ).code,
    ).toBe(0);
    expect(
      (
        await lab([
          'maintenance',
          'cordon',
          'pi',
          '--repo',
          b,
          '--actor',
          'bob',
          '--now',
          '2026-11-22T10:20:00Z',
          '--push',
        ])
      ).code,
    ).toBe(0);
    await git(a, 'fetch', '--quiet');
    await expect(git(a, 'rebase', 'origin/main')).rejects.toThrow();
    const next = await lab(['reconcile', '--repo', a, '--now', '2026-11-22T10:31:00Z', '--push']);
    expect({ code: next.code, stderr: next.stderr }).toEqual({ code: 0, stderr: '' });
    expect(describeEvents((await remoteChain(remote.url)).slice(DEMO_ADMIN_EVENTS))).toEqual([
      'bob cordon pi',
      'alice cordon media',
    ]);
    await expectConverged(a, remote.url);
  }, 120_000);

  it('local notifications lines, a local reconcile commit and an admin commit all converge in one push', async () => {
    // Lines notify could write (the repo model checks the log's contract).
    const outboxLine = (id: string) =>
      `${JSON.stringify({ id, at: '2026-11-22T12:00:00Z', type: 'outbox', state: 'delivered', message: id })}\n`;
    const remote = await makeRemote(await demoFiles());
    const [a, b] = [await remote.clone(), await remote.clone()];
    expect((await lab(['reconcile', '--repo', a, '--now', '2026-11-22T12:00:00Z', '--commit'])).code).toBe(0);
    await appendFile(path.join(a, 'chronicle/notifications.jsonl'), outboxLine('local-only'));
    await git(a, 'add', 'chronicle/notifications.jsonl');
    await git(a, 'commit', '-qm', 'notify: local');
    expect(
      (
        await lab([
          'maintenance',
          'cordon',
          'media',
          '--repo',
          a,
          '--actor',
          'alice',
          '--now',
          '2026-11-22T12:01:00Z',
          '--commit',
        ])
      ).code,
    ).toBe(0);
    await appendFile(path.join(b, 'chronicle/notifications.jsonl'), outboxLine('remote-only'));
    await git(b, 'add', 'chronicle/notifications.jsonl');
    await git(b, 'commit', '-qm', 'notify: remote');
    expect(
      (
        await lab([
          'maintenance',
          'cordon',
          'pi',
          '--repo',
          b,
          '--actor',
          'bob',
          '--now',
          '2026-11-22T12:02:00Z',
          '--push',
        ])
      ).code,
    ).toBe(0);
    expect((await lab(['reconcile', '--repo', b, '--now', '2026-11-22T12:03:00Z', '--push'])).code).toBe(0);

    const pushed = await lab([
      'maintenance',
      'uncordon',
      'media',
      '--repo',
      a,
      '--actor',
      'alice',
      '--now',
      '2026-11-22T12:04:00Z',
      '--push',
    ]);
    expect({ code: pushed.code, stderr: pushed.stderr }).toEqual({ code: 0, stderr: '' });
    await expectConverged(a, remote.url);
    expect(describeEvents((await remoteChain(remote.url)).slice(DEMO_ADMIN_EVENTS))).toEqual([
      'bob cordon pi',
      'alice cordon media',
      'alice uncordon media',
    ]);
    const lines = (await git(remote.url, 'show', 'main:chronicle/notifications.jsonl')).split('\n');
    expect(lines.filter((line) => line.includes('local-only'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('remote-only'))).toHaveLength(1);
    // status/ is the remote's (derived: the next reconcile regenerates it), never a textual merge.
    JSON.parse(await git(remote.url, 'show', 'main:status/recommendations.json'));
    expect((await lab(['reconcile', '--repo', a, '--now', '2026-11-22T12:05:00Z', '--push'])).code).toBe(0);
    await expectConverged(a, remote.url);
  }, 120_000);
});

describe('runner, bot and CLI share one checkout (issue 16, item 2)', () => {
  it('leftovers of killed commands (an uncommitted admin event, a dirty status/) are recovered, not refused', async () => {
    const remote = await makeRemote(await demoFiles());
    const dir = await remote.clone();
    // A plain append (told the operator "recorded") and a plain reconcile, neither committed.
    expect(
      (
        await lab([
          'maintenance',
          'cordon',
          'media',
          '--repo',
          dir,
          '--actor',
          'alice',
          '--now',
          '2026-11-22T10:10:00Z',
        ])
      ).code,
    ).toBe(0);
    expect((await lab(['reconcile', '--repo', dir, '--now', '2026-11-22T12:00:00Z'])).code).toBe(0);
    expect(await git(dir, 'status', '--porcelain')).toMatch(/chronicle\/admin\.jsonl/);
    const cycle = await lab(['run', '--once', '--repo', dir, '--now', '2026-11-22T10:11:00Z', '--no-notify']);
    expect({ code: cycle.code, stdout: cycle.stdout }).toMatchObject({ code: 0 });
    expect(cycle.stdout).not.toMatch(/error/);
    expect(describeEvents((await remoteChain(remote.url)).slice(DEMO_ADMIN_EVENTS))).toEqual(['alice cordon media']);
    await expectConverged(dir, remote.url);

    // Now the other way round: a dirty status/ does not stop maintenance.
    expect((await lab(['reconcile', '--repo', dir, '--now', '2026-11-22T13:00:00Z'])).code).toBe(0);
    const admin = await lab([
      'maintenance',
      'cordon',
      'pi',
      '--repo',
      dir,
      '--actor',
      'bob',
      '--now',
      '2026-11-22T10:12:00Z',
      '--push',
    ]);
    expect({ code: admin.code, stderr: admin.stderr }).toEqual({ code: 0, stderr: '' });
    await expectConverged(dir, remote.url);
  }, 120_000);

  it('a runner cycling every 200 ms and 4 maintenance --push on the same checkout all succeed', async () => {
    const remote = await makeRemote(await demoFiles());
    const dir = await remote.clone();
    const runner = runCli(['run', '--repo', dir, '--every', '200ms', '--cycles', '6', '--no-notify']);
    const nodes = ['media', 'pi', 'storage', 'apps'];
    const admins = await Promise.all(
      nodes.map((node, i) => runCli(['maintenance', 'cordon', node, '--repo', dir, '--actor', `op${i}`, '--push'])),
    );
    for (const result of admins) expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const ran = await runner;
    expect(ran.code).toBe(0);
    expect(ran.stdout).not.toMatch(/error/);
    expect(describeEvents((await remoteChain(remote.url)).slice(DEMO_ADMIN_EVENTS)).sort()).toEqual(
      nodes.map((node, i) => `op${i} cordon ${node}`).sort(),
    );
    await expectConverged(dir, remote.url);
  }, 120_000);

  it('a person’s own edit is refused with what to do; a lock held too long names its holder (exit 1)', async () => {
    const remote = await makeRemote(await demoFiles());
    const dir = await remote.clone();
    await appendFile(path.join(dir, 'inventory/policy.yaml'), '# mine\n');
    const dirty = await lab(['maintenance', 'cordon', 'pi', '--repo', dir, '--push']);
    expect(dirty.code).toBe(2);
    expect(dirty.stderr).toContain(
      'error: uncommitted changes outside the files this command writes: inventory/policy.yaml',
    );
    await git(dir, 'checkout', '--', 'inventory/policy.yaml');

    await mkdir(path.join(dir, '.labwarden'), { recursive: true });
    const holder = {
      pid: process.pid,
      host: (await import('node:os')).hostname(),
      command: 'labwarden run --every 5m',
      since: '2026-11-22T10:00:00.000Z',
    };
    await writeFile(path.join(dir, '.labwarden/repo.lock'), `${JSON.stringify(holder)}\n`);
    const busy = await runCli(['maintenance', 'cordon', 'pi', '--repo', dir, '--push'], {
      env: { LABWARDEN_LOCK_WAIT: '300ms' },
    });
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(
      new RegExp(
        `^error: \\S+repo\\.lock is held by pid ${process.pid} \\(labwarden run --every 5m\\) since 2026-11-22T10:00:00.000Z, \\d+s ago after waiting 0s\\nhint: Another labwarden command`,
      ),
    );
    expect(busy.stderr).not.toContain('internal error');
  }, 120_000);
});
