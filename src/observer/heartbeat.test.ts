import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTime } from '../model/index.js';
import { readHeartbeatBranches } from '../git/heartbeat.js';
import { pushNodeHeartbeat as pushHeartbeat, writeLocalHeartbeat } from './heartbeat.js';

const made: string[] = [];
async function tempDir(prefix = 'labwarden-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

async function cloneWithOrigin(): Promise<{ origin: string; work: string }> {
  const origin = await tempDir('labwarden-origin-');
  git(origin, 'init', '--quiet', '--bare', '-b', 'main');
  const work = await tempDir('labwarden-work-');
  git(work, 'init', '--quiet', '-b', 'main');
  git(work, 'remote', 'add', 'origin', origin);
  return { origin, work };
}

describe('heartbeats', () => {
  it('writes .labwarden/heartbeats/<node>.json without a remote', async () => {
    const repo = await tempDir();
    const file = await writeLocalHeartbeat(repo, 'media', parseTime('2026-11-22T10:00:00Z'));
    expect(await readFile(file, 'utf8')).toBe('{"node":"media","seen_at":"2026-11-22T10:00:00Z"}\n');
  });

  it('force-pushes a one-commit orphan branch per node that never grows, and reads them back', async () => {
    const { origin, work } = await cloneWithOrigin();
    for (let minute = 0; minute < 5; minute++) {
      await pushHeartbeat(work, 'media', parseTime('2026-11-22T10:00:00Z') + minute * 60_000);
    }
    await pushHeartbeat(work, 'storage', parseTime('2026-11-22T09:30:00Z'));
    const branch = 'refs/heads/labwarden/heartbeat/media';
    expect(git(origin, 'rev-list', '--count', branch)).toBe('1');
    expect(git(origin, 'ls-tree', '--name-only', branch)).toBe('media.json');
    expect(git(origin, 'show', `${branch}:media.json`)).toBe('{"node":"media","seen_at":"2026-11-22T10:04:00Z"}');
    // Nothing else in either repo moved: no main branch was created by the heartbeat.
    expect(git(origin, 'for-each-ref', '--format=%(refname)')).toBe(
      'refs/heads/labwarden/heartbeat/media\nrefs/heads/labwarden/heartbeat/storage',
    );
    expect(git(work, 'status', '--porcelain')).toBe('');

    // Another clone (the reconciler's) fetches them.
    const reader = await tempDir('labwarden-reader-');
    git(reader, 'init', '--quiet', '-b', 'main');
    git(reader, 'remote', 'add', 'origin', origin);
    expect(await readHeartbeatBranches(reader)).toEqual(
      new Map([
        ['media', parseTime('2026-11-22T10:04:00Z')],
        ['storage', parseTime('2026-11-22T09:30:00Z')],
      ]),
    );
  });

  it('the same heartbeat is the same commit (deterministic), so a repeat push is a no-op', async () => {
    const { work } = await cloneWithOrigin();
    const now = parseTime('2026-11-22T10:00:00Z');
    expect(await pushHeartbeat(work, 'media', now)).toBe(await pushHeartbeat(work, 'media', now));
    expect(path.isAbsolute(work)).toBe(true);
  });
});
