import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { foldAdminEvents } from '../src/maintenance/chain.js';
import { demoFiles, git, makeRemote } from './helpers/git.js';
import { cleanupRepos, runCli } from './helpers/repo.js';

afterAll(cleanupRepos);

describe('maintenance --commit --push', () => {
  it('two operators racing from stale clones: both events land once, chained, in the remote', async () => {
    const remote = await makeRemote(await demoFiles());
    const alice = await remote.clone();
    const bob = await remote.clone();
    const first = await runCli(['maintenance', 'cordon', 'storage', '--repo', alice, '--actor', 'alice', '--reason', 'disk check', '--now', '2026-11-22T10:10:00Z', '--push']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/committed [0-9a-f]{7}; pushed \(1 attempt\)/);
    // Bob's clone does not have Alice's event: his push is rejected, he re-appends on her tail.
    const second = await runCli(['maintenance', 'cordon', 'apps', '--repo', bob, '--actor', 'bob', '--now', '2026-11-22T10:11:00Z', '--push']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/pushed \(2 attempts\)/);

    const check = await remote.clone();
    const chain = foldAdminEvents(await readFile(path.join(check, 'chronicle/admin.jsonl'), 'utf8'));
    expect(chain.break).toBeUndefined();
    const added = chain.events.slice(2); // after the demo's own two events
    expect(added.map((event) => `${event.actor} ${event.action} ${event.node}`)).toEqual(['alice cordon storage', 'bob cordon apps']);
    expect(await git(check, 'log', '--format=%s', '-2')).toBe('admin: cordon apps by bob\nadmin: cordon storage by alice');
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
});
