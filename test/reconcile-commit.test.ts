import { readFile, rename, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatTime } from '../src/model/index.js';
import { runCycle } from '../src/runner/cycle.js';
import { reconcileAndCommit } from '../src/runner/reconcile-commit.js';
import { cleanupRepos, runCli } from './helpers/repo.js';
import { beat, demoFiles, git, makeRemote } from './helpers/git.js';

afterAll(cleanupRepos);

const NOW = '2026-11-22T10:05:00Z';
const NODES = ['apps', 'backup', 'gateway', 'media', 'pi', 'storage'];

async function demoRemote() {
  return makeRemote(await demoFiles());
}

describe('reconcile --commit --push', () => {
  it('commits status/ with a message naming what opened, pushes, and beats the reconciler heartbeat', async () => {
    const remote = await demoRemote();
    const dir = await remote.clone();
    const media = path.join(dir, 'world/nodes/media.yaml');
    await writeFile(
      media,
      (await readFile(media, 'utf8')).replace(
        '{ name: sonarr, status: ok }',
        '{ name: sonarr, status: failed, detail: "exit 1" }',
      ),
    );
    await git(dir, 'commit', '-qam', 'observe: media');
    const result = await runCli(['reconcile', '--repo', dir, '--now', NOW, '--push']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /^unstable: \d+ recommendations; committed [0-9a-f]{7} "reconcile: media\/sonarr unhealthy_service opened; summary unstable"; pushed \(1 attempt\); stale observers: pi \(last seen 2026-11-22T08:12:00Z\)\n$/,
    );
    expect(result.code).toBe(0);
    expect(await git(remote.url, 'log', '--format=%s', '-1', 'main')).toBe(
      'reconcile: media/sonarr unhealthy_service opened; summary unstable',
    );
    expect(await git(remote.url, 'show', '--name-only', '--format=', 'main')).toBe(
      'chronicle/incidents.jsonl\nchronicle/transitions.jsonl\nstatus/insights.json\nstatus/recommendations.json',
    );
    expect(await git(remote.url, 'show', 'labwarden/heartbeat/_reconciler:_reconciler.json')).toBe(
      `{"node":"_reconciler","seen_at":"${NOW}"}`,
    );
    expect(await git(remote.url, 'rev-list', '--count', 'labwarden/heartbeat/_reconciler')).toBe('1');
    expect(await git(dir, 'status', '--porcelain')).toBe('');

    const again = await runCli(['reconcile', '--repo', dir, '--now', NOW, '--push']);
    expect(again.stdout).toMatch(
      /; nothing to commit; nothing to push; stale observers: pi \(last seen 2026-11-22T08:12:00Z\)\n$/,
    );
  });

  it('refuses --dry-run with --commit, and a dirty tree before writing anything', async () => {
    const remote = await demoRemote();
    const dir = await remote.clone();
    expect((await runCli(['reconcile', '--repo', dir, '--dry-run', '--commit'])).code).toBe(2);
    await writeFile(path.join(dir, 'world/nodes/pi.yaml'), 'node: pi\n');
    await writeFile(path.join(dir, 'status/recommendations.json'), '{}\n');
    const dirty = await runCli(['reconcile', '--repo', dir, '--now', NOW, '--commit']);
    expect(dirty.code).toBe(2);
    expect(dirty.stderr).toContain(
      'error: uncommitted changes outside the files this command writes: world/nodes/pi.yaml',
    );
    expect(dirty.stderr).toContain('hint: Commit or stash these changes first');
    expect(await readFile(path.join(dir, 'status/recommendations.json'), 'utf8')).toBe('{}\n');
  });

  it('exits 1 with a clear message when the remote is gone, keeps the commit, and the next run pushes it', async () => {
    const remote = await demoRemote();
    const dir = await remote.clone();
    await git(dir, 'rm', '-q', 'world/nodes/pi.yaml');
    await git(dir, 'commit', '-qm', 'pi gone');
    await rename(remote.url, `${remote.url}.gone`);
    const failed = await runCli(['reconcile', '--repo', dir, '--now', NOW, '--push']);
    expect(failed.code).toBe(1);
    const local = await git(dir, 'log', '--format=%s', '-1');
    expect(local).toMatch(/^reconcile: pi offline_node (opened|changed); summary unstable$/);
    expect(failed.stderr).toMatch(
      /^error: cannot reach remote origin\. Commit [0-9a-f]{7} is kept locally\.\nhint: Your commit is kept locally; the next run pushes it once the remote is back\.\n$/,
    );
    await rename(`${remote.url}.gone`, remote.url);
    const next = await runCli(['reconcile', '--repo', dir, '--now', NOW, '--push']);
    expect(next.stdout).toMatch(/nothing to commit; pushed \(1 attempt\); stale observers: pi \(never seen\)\n$/);
    expect(await git(remote.url, 'log', '--format=%s', '-2', 'main')).toBe(`${local}\npi gone`);
  });
});

describe('runner', () => {
  it('a day of quiet runs (288 at 5m) with observers heartbeating makes 0 commits', async () => {
    const remote = await demoRemote();
    const dir = await remote.clone();
    const start = Date.parse(NOW);
    // The demo's pi is stale; its observer's first heartbeat is news (one commit), then quiet.
    await beat(dir, NODES, formatTime(start - 60_000));
    expect(await runCycle({ repo: dir, now: start - 30_000, push: true })).toContain(
      '"reconcile: pi offline_node cleared; summary unstable → degraded"; pushed after 1 attempt',
    );
    // Open drift escalates after escalate_after (twice at most): real news, committed once.
    await beat(dir, NODES, formatTime(start + 2 * 3_600_000 - 30_000));
    expect(await runCycle({ repo: dir, now: start + 2 * 3_600_000, push: true })).toMatch(
      /committed [0-9a-f]{7} "reconcile: .* changed/,
    );
    const head = await git(dir, 'rev-parse', 'HEAD');
    const day = start + 2 * 3_600_000;
    // Full cycles (fetch, reconcile, commit?, push?, heartbeat) for the next two hours...
    for (let i = 0; i < 24; i++) {
      const now = day + i * 300_000;
      await beat(dir, NODES, formatTime(now - 30_000));
      expect(await runCycle({ repo: dir, now, push: true })).toMatch(
        new RegExp(`^${formatTime(now)} \\w+, \\d+ recommendations; no change; nothing to push$`),
      );
      expect(await git(remote.url, 'show', 'labwarden/heartbeat/_reconciler:_reconciler.json')).toBe(
        `{"node":"_reconciler","seen_at":"${formatTime(now)}"}`,
      );
    }
    // ...then the rest of the day as `reconcile --commit` runs (the same code without the network).
    for (let i = 24; i < 288; i++) {
      const now = day + i * 300_000;
      await beat(dir, NODES, formatTime(now - 30_000));
      const { outcome } = await reconcileAndCommit({ repo: dir, now, push: false });
      expect(outcome.commit).toBeUndefined();
    }
    expect(await git(dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(await git(remote.url, 'rev-parse', 'main')).toBe(head);
    expect(await git(dir, 'status', '--porcelain')).toBe('');
  }, 600_000);

  it('holds a single-instance lock, logs one line per cycle and stops cleanly on SIGTERM', async () => {
    const remote = await demoRemote();
    const dir = await remote.clone();
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('./helpers/repo.js');
    const child = spawn(process.execPath, [CLI, 'run', '--repo', dir, '--every', '1h'], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk));
    await expect.poll(() => out, { timeout: 20_000 }).toMatch(/\n$/);
    expect(out).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z (unstable|degraded|nominal|reconciling), \d+ recommendations; (no change|committed [0-9a-f]{7} "reconcile: [^"]+"); (nothing to push|pushed after 1 attempt)(; stale observers: [^;]+)?(; watchdog alerted \(console\): failing observer of [\w, -]+)?\n$/,
    );
    const second = await runCli(['run', '--repo', dir, '--once']);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      `error: ${path.join(dir, '.labwarden/run.lock')} is held by pid ${child.pid} (labwarden run --repo ${dir} --every 1h) since `,
    );
    expect(second.stderr).toContain('hint: Only one runner per clone: stop the other one.');
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(err).toMatch(/SIGTERM: stopping after the current cycle\n.*runner stopped after 1 cycle\n$/);
    await expect(readFile(path.join(dir, '.labwarden/run.lock'))).rejects.toThrow();
  });

  it('--once --now runs the cycle at that time, as reconcile --now would', async () => {
    const remote = await demoRemote();
    const dir = await remote.clone();
    const result = await runCli(['run', '--repo', dir, '--once', '--no-notify', '--now', '2026-11-22T10:05:00Z']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^2026-11-22T10:05:00Z unstable, 9 recommendations; /);
    // The stop line is --now plus the time the cycle took (seconds on a loaded machine).
    expect(result.stderr).toMatch(/(^|\n)2026-11-22T10:0\d:\d\d(\.\d+)?Z runner stopped after 1 cycle\n$/);
    const reconciled = await runCli(['reconcile', '--repo', dir, '--now', '2026-11-22T10:05:00Z']);
    expect(reconciled.stdout).toContain('no chronicle change');
    expect((await runCli(['run', '--repo', dir, '--once', '--now', 'tomorrow'])).code).toBe(2);
  });

  it("--once --site builds the site from the cycle's own model: what status/ says, just reconciled", async () => {
    const remote = await demoRemote();
    const dir = await remote.clone();
    const out = path.join(dir, '.labwarden/site');
    const result = await runCli(['run', '--repo', dir, '--once', '--no-notify', '--now', NOW, '--site', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('; site built');
    const status = JSON.parse(await readFile(path.join(dir, 'status/recommendations.json'), 'utf8')) as {
      summary: string;
      recommendations: unknown[];
    };
    const site = JSON.parse(await readFile(path.join(out, 'status.json'), 'utf8')) as {
      summary: string;
      recommendations: unknown[];
    };
    expect(site.summary).toBe(status.summary);
    expect(site.recommendations).toHaveLength(status.recommendations.length);
  });

  it('--once reports a failed push as an error line and exits 1', async () => {
    const remote = await demoRemote();
    const dir = await remote.clone();
    await git(dir, 'rm', '-q', 'world/nodes/pi.yaml');
    await git(dir, 'commit', '-qm', 'pi gone');
    await rename(remote.url, `${remote.url}.gone`);
    const result = await runCli(['run', '--repo', dir, '--once']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^\S+Z error remote_unreachable: cannot reach remote origin\. Commit [0-9a-f]{7} is kept locally\.; watchdog alerted \(console\): failing labwarden run cycle\n$/,
    );
  });
});

describe('plan', () => {
  it('prints the markdown diff of recommendations against a base ref', async () => {
    const remote = await demoRemote();
    const dir = await remote.clone();
    const services = path.join(dir, 'inventory/hosts/media/services.yaml');
    await writeFile(services, `${(await readFile(services, 'utf8')).trimEnd()}\n  - name: grafana\n`);
    const result = await runCli(['plan', '--repo', dir, '--base', 'HEAD', '--now', NOW]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('1 opened, 0 cleared, 0 changed compared with `HEAD`.');
    expect(result.stdout).toContain('| opened | `media/grafana missing_service` | reconcile_required | deploy |');
    expect(await git(dir, 'status', '--porcelain')).toBe('M inventory/hosts/media/services.yaml');
    const unknown = await runCli(['plan', '--repo', dir, '--base', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: --base: unknown ref "nope"');
  });
});

describe('keepalive', () => {
  it('enables the workflow through the API with the token', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const result = await runCli(['keepalive', '--workflow', 'reconcile.yml'], {
      env: { GITHUB_API_URL: api, GITHUB_REPOSITORY: 'me/lab', GITHUB_TOKEN: 't0k' },
    });
    server.close();
    expect(result).toMatchObject({ code: 0, stdout: 'workflow reconcile.yml enabled (HTTP 204)\n' });
    expect(seen).toEqual(['PUT /repos/me/lab/actions/workflows/reconcile.yml/enable Bearer t0k']);
  });
});
