import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { pushHeartbeat } from '../git/heartbeat.js';
import { readSiteInputs } from './load.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function homelab(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'labwarden-site-load-'));
  dirs.push(dir);
  await mkdir(path.join(dir, 'inventory/hosts/nas'), { recursive: true });
  await writeFile(path.join(dir, 'inventory/hosts/nas/services.yaml'), 'services: []\n');
  return dir;
}

describe('readSiteInputs: the last successful reconcile', () => {
  it('comes from the reconciler heartbeat: the git-ignored file, or the fetched branch, whichever is later', async () => {
    const repo = await homelab();
    expect((await readSiteInputs(repo)).lastReconcile).toBeUndefined();
    await mkdir(path.join(repo, '.labwarden/heartbeats'), { recursive: true });
    await writeFile(
      path.join(repo, '.labwarden/heartbeats/_reconciler.json'),
      '{"node":"_reconciler","seen_at":"2026-11-22T10:00:00Z"}\n',
    );
    expect((await readSiteInputs(repo)).lastReconcile).toBe('2026-11-22T10:00:00Z');

    // A real clone whose origin holds a newer labwarden/heartbeat/_reconciler.
    const bare = path.join(path.dirname(repo), `${path.basename(repo)}-remote.git`);
    dirs.push(bare);
    await run('git', ['init', '--quiet', '--bare', bare]);
    await run('git', ['init', '--quiet', repo]);
    await run('git', ['remote', 'add', 'origin', bare], { cwd: repo });
    await pushHeartbeat(repo, { name: '_reconciler', seenAt: '2026-11-22T11:00:00Z' });
    // Not fetched yet: the local view is what the site shows (no network at build time unless asked).
    await run('git', ['update-ref', '-d', 'refs/remotes/origin/labwarden/heartbeat/_reconciler'], { cwd: repo }).catch(
      () => undefined,
    );
    expect((await readSiteInputs(repo)).lastReconcile).toBe('2026-11-22T10:00:00Z');
    await run(
      'git',
      ['fetch', '--quiet', 'origin', '+refs/heads/labwarden/heartbeat/*:refs/remotes/origin/labwarden/heartbeat/*'],
      { cwd: repo },
    );
    expect((await readSiteInputs(repo)).lastReconcile).toBe('2026-11-22T11:00:00Z');
    // An explicit time (site build --heartbeat-remote fetched it) wins.
    expect((await readSiteInputs(repo, undefined, '2026-11-22T12:00:00Z')).lastReconcile).toBe('2026-11-22T12:00:00Z');
  });
});
