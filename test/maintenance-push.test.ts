import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { foldAdminEvents } from '../src/maintenance/chain.js';
import { demoFiles, git, makeRemote } from './helpers/git.js';
import { cleanupRepos, copyDemo, DEMO_ADMIN_EVENTS, runCli } from './helpers/repo.js';

afterAll(cleanupRepos);

describe('maintenance --commit --push', () => {
  it('two operators racing from stale clones: both events land once, chained, in the remote', async () => {
    const remote = await makeRemote(await demoFiles());
    const alice = await remote.clone();
    const bob = await remote.clone();
    const first = await runCli([
      'maintenance',
      'cordon',
      'storage',
      '--repo',
      alice,
      '--actor',
      'alice',
      '--reason',
      'disk check',
      '--now',
      '2026-11-22T10:10:00Z',
      '--push',
    ]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/committed [0-9a-f]{7}; pushed \(1 attempt\)/);
    // Bob's clone does not have Alice's event: his push is rejected, he re-appends on her tail.
    const second = await runCli([
      'maintenance',
      'cordon',
      'apps',
      '--repo',
      bob,
      '--actor',
      'bob',
      '--now',
      '2026-11-22T10:11:00Z',
      '--push',
    ]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/pushed \(2 attempts\)/);

    const check = await remote.clone();
    const chain = foldAdminEvents(await readFile(path.join(check, 'chronicle/admin.jsonl'), 'utf8'));
    expect(chain.break).toBeUndefined();
    const added = chain.events.slice(DEMO_ADMIN_EVENTS); // after the demo's own events
    expect(added.map((event) => `${event.actor} ${event.action} ${event.node}`)).toEqual([
      'alice cordon storage',
      'bob cordon apps',
    ]);
    expect(await git(check, 'log', '--format=%s', '-2')).toBe(
      'admin: cordon apps by bob\nadmin: cordon storage by alice',
    );
    expect(await git(bob, 'status', '--porcelain')).toBe('');
  });

  it('a no-op command makes no commit', async () => {
    const remote = await makeRemote(await demoFiles());
    const dir = await remote.clone();
    const head = await git(dir, 'rev-parse', 'HEAD');
    const result = await runCli(['maintenance', 'exit', 'storage', '--repo', dir, '--push']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('nothing to do');
    expect(await git(dir, 'rev-parse', 'HEAD')).toBe(head);
  });

  it('--commit outside a git work tree refuses before appending: exit 2, the chain untouched', async () => {
    const dir = await copyDemo();
    const before = await readFile(path.join(dir, 'chronicle/admin.jsonl'), 'utf8');
    const result = await runCli(['maintenance', 'cordon', 'storage', '--repo', dir, '--actor', 'alice', '--commit']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a git work tree');
    expect(await readFile(path.join(dir, 'chronicle/admin.jsonl'), 'utf8')).toBe(before);
  });

  it('--push with foreign changes refuses before appending; once clean, the same command appends and pushes', async () => {
    const remote = await makeRemote(await demoFiles());
    const dir = await remote.clone();
    const before = await readFile(path.join(dir, 'chronicle/admin.jsonl'), 'utf8');
    const policy = path.join(dir, 'inventory/policy.yaml');
    const original = await readFile(policy, 'utf8');
    await writeFile(policy, `${original}# local edit\n`);
    const args = [
      'maintenance',
      'cordon',
      'storage',
      '--repo',
      dir,
      '--actor',
      'alice',
      '--now',
      '2026-11-22T10:10:00Z',
      '--push',
    ];
    const dirty = await runCli(args);
    expect(dirty.code).toBe(2);
    expect(dirty.stderr).toContain('uncommitted changes outside the files this command writes: inventory/policy.yaml');
    expect(await readFile(path.join(dir, 'chronicle/admin.jsonl'), 'utf8')).toBe(before);
    await writeFile(policy, original);
    const clean = await runCli(args);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(
      new RegExp(
        `^storage: cordon recorded as seq ${DEMO_ADMIN_EVENTS + 1}; Active -> Cordoned\ncommitted [0-9a-f]{7}; pushed \\(1 attempt\\)\n$`,
      ),
    );
  });

  it('an event appended without --commit is committed and pushed by the repeated command with --push', async () => {
    const remote = await makeRemote(await demoFiles());
    const dir = await remote.clone();
    const args = [
      'maintenance',
      'cordon',
      'storage',
      '--repo',
      dir,
      '--actor',
      'alice',
      '--now',
      '2026-11-22T10:10:00Z',
    ];
    expect((await runCli(args)).code).toBe(0);
    const again = await runCli([...args, '--push']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to do\ncommitted [0-9a-f]{7}; pushed \(1 attempt\)\n$/);
    const check = await remote.clone();
    const chain = foldAdminEvents(await readFile(path.join(check, 'chronicle/admin.jsonl'), 'utf8'));
    expect(
      chain.events.map((event) => `${event.actor} ${event.action} ${event.node}`).slice(DEMO_ADMIN_EVENTS),
    ).toEqual(['alice cordon storage']);
    expect(await git(dir, 'status', '--porcelain')).toBe('');
  });
});
