import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitAndPush } from '../src/git/commit-push.js';
import { reconcileAndCommit } from '../src/runner/reconcile-commit.js';
import { cleanupRepos } from './helpers/repo.js';
import { ADMIN, appendStandIn, demoFiles, git, makeRemote, verifyStandIn, type StandInEvent } from './helpers/git.js';

afterAll(cleanupRepos);

const retry = { maxAttempts: 40, backoff: { baseMs: 40, maxMs: 800 } };
const NODES = ['apps', 'backup', 'gateway', 'media', 'pi', 'storage'];

describe('20 writers racing on one remote', () => {
  it('lose nothing: every admin event once, the chain verifies, every commit lands, trees clean', async () => {
    const remote = await makeRemote(await demoFiles());
    const clones = await Promise.all(Array.from({ length: 20 }, () => remote.clone()));
    const expectedEvents: string[] = [];
    const messages: string[] = [];

    const writers = clones.map(async (dir, i) => {
      if (i % 3 === 0) {
        // A maintenance command: two hash-chained events, re-appended on the remote tail on rejection.
        const events: StandInEvent[] = [
          { id: `e${i}a`, action: 'enter', node: NODES[i % 6]! },
          { id: `e${i}b`, action: 'exit', node: NODES[i % 6]! },
        ];
        expectedEvents.push(...events.map((e) => e.id));
        messages.push(`maintenance: writer ${i}`);
        await appendStandIn(dir, events);
        return commitAndPush(dir, { files: [ADMIN], message: `maintenance: writer ${i}`, push: true, ...retry });
      }
      if (i % 3 === 1 && i < 18) {
        // An observer: its own world file (one per node, so never a conflict), plain rebase.
        const node = NODES[(i - 1) / 3]!;
        const file = path.join(dir, 'world/nodes', `${node}.${node === 'backup' ? 'json' : 'yaml'}`);
        const text = await readFile(file, 'utf8');
        await writeFile(
          file,
          node === 'backup'
            ? text.replace(/"observed_at": "[^"]+"/, `"observed_at": "2026-11-22T10:${10 + i}:00Z"`)
            : text.replace(/observed_at: \S+/, `observed_at: 2026-11-22T10:${10 + i}:00Z`),
        );
        messages.push(`observe: writer ${i}`);
        return commitAndPush(dir, {
          files: [`world/nodes/${path.basename(file)}`],
          message: `observe: writer ${i}`,
          push: true,
          ...retry,
        });
      }
      // A scheduled reconcile, at one of two times so that their status/ differ and conflict.
      const now = Date.parse(i % 2 ? '2026-11-22T10:05:00Z' : '2026-11-22T12:00:00Z');
      return (await reconcileAndCommit({ repo: dir, now, push: true, git: retry })).outcome;
    });
    const settled = await Promise.allSettled(writers);
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    const results = settled.map((s) => (s as PromiseFulfilledResult<Awaited<(typeof writers)[number]>>).value);
    expect(results.every((r) => r.pushed)).toBe(true);

    const check = await remote.clone();
    // The demo repo starts with its own admin events (no test id); every event written here must appear exactly once.
    expect(
      (await verifyStandIn(check))
        .map((e) => e.id)
        .filter((id) => id !== undefined)
        .sort(),
    ).toEqual(expectedEvents.sort());
    const log = (await git(check, 'log', '--format=%s')).split('\n');
    for (const message of messages) expect(log).toContain(message);
    for (const result of results) if (result.commit) expect(log).toContain(result.message.split('\n')[0]);
    expect(JSON.parse(await readFile(path.join(check, 'status/recommendations.json'), 'utf8'))).toHaveProperty(
      'summary',
    );
    for (const dir of clones) {
      expect(await git(dir, 'status', '--porcelain')).toBe('');
      await git(dir, 'fetch', '--quiet');
      expect(await git(dir, 'rev-list', '--count', 'origin/main..HEAD')).toBe('0');
    }
  }, 300_000);
});
