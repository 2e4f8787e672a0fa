import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { generateHomelab, GENERATED_NOW, nodeName } from '../bench/generate.js';
import { appendAdminEvent } from '../src/maintenance/append.js';
import { runReconcile } from '../src/reconciler/run.js';
import { RUN_CACHE_FILE } from '../src/reconciler/run-cache.js';
import { PARSE_CACHE_FILE } from '../src/repo/parse-cache-store.js';
import { cleanupRepos, copyDemo, makeRepo, runCli, tempDir } from './helpers/repo.js';

afterAll(cleanupRepos);

const MINUTE = 60_000;
const T0 = Date.parse(GENERATED_NOW);

/** Every output of a run: status/ and the chronicle. */
async function outputs(repo: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const dir of ['status', 'chronicle']) {
    for (const name of (await readdir(path.join(repo, dir)).catch(() => [])).sort())
      out[`${dir}/${name}`] = await readFile(path.join(repo, dir, name), 'utf8');
  }
  return out;
}

/**
 * Reconciles `repo` (caches kept) and `twin` (caches removed first: always a full run) at
 * `now`, and expects the same outputs. Returns whether `repo` took the run shortcut: a full
 * run stores the parse cache, which is removed before, so its absence after means nothing was parsed.
 */
async function runBoth(repo: string, twin: string, now: number): Promise<boolean> {
  await rm(path.join(repo, PARSE_CACHE_FILE), { force: true });
  await rm(path.join(twin, '.labwarden/cache'), { recursive: true, force: true });
  const cached = await runReconcile({ repo, now });
  const full = await runReconcile({ repo: twin, now });
  expect(cached.text).toBe(full.text);
  expect(cached.result).toEqual(full.result);
  expect(cached.warnings).toEqual(full.warnings);
  expect(await outputs(repo)).toEqual(await outputs(twin));
  return (await readFile(path.join(repo, PARSE_CACHE_FILE)).catch(() => undefined)) === undefined;
}

async function twins(files: Record<string, string>): Promise<[string, string]> {
  const repo = await makeRepo(files);
  const twin = await tempDir();
  await cp(repo, twin, { recursive: true });
  return [repo, twin];
}

async function both(repo: string, twin: string, edit: (dir: string) => Promise<unknown>): Promise<void> {
  await edit(repo);
  await edit(twin);
}

const node = (observedAt: string, status = 'ok', detail = 'fine') =>
  stringify({ node: 'n0', observed_at: observedAt, status: 'online', services: [{ name: 'web', status, detail }] });

describe('the run shortcut', () => {
  it('survives the reconciler heartbeat the CLI leaves behind (a later `now`, same inputs)', async () => {
    const repo = await copyDemo();
    expect((await runCli(['reconcile', '--repo', repo, '--now', '2026-11-22T10:05:00Z'])).code).toBe(0);
    expect(JSON.parse(await readFile(path.join(repo, '.labwarden/heartbeats/_reconciler.json'), 'utf8')).seen_at).toBe(
      '2026-11-22T10:05:00Z',
    );
    await rm(path.join(repo, PARSE_CACHE_FILE));
    expect((await runCli(['reconcile', '--repo', repo, '--now', '2026-11-22T10:06:00Z'])).code).toBe(0);
    expect(JSON.parse(await readFile(path.join(repo, '.labwarden/heartbeats/_reconciler.json'), 'utf8')).seen_at).toBe(
      '2026-11-22T10:06:00Z',
    );
    // Nothing was parsed: the run took the shortcut although its own heartbeat had changed.
    expect(await readFile(path.join(repo, PARSE_CACHE_FILE)).catch(() => undefined)).toBeUndefined();
  });

  it('is taken for identical inputs and ends when a node goes stale by `now` alone', async () => {
    const [repo, twin] = await twins({
      'inventory/hosts/n0/services.yaml': stringify({ services: [{ name: 'web' }] }),
      'world/nodes/n0.yaml': node('2026-11-22T10:00:00Z'),
    });
    const at = (time: string) => Date.parse(`2026-11-22T${time}Z`);
    expect(await runBoth(repo, twin, at('10:05:00'))).toBe(false);
    expect(await runBoth(repo, twin, at('10:05:00'))).toBe(true);
    expect(await runBoth(repo, twin, at('10:14:59'))).toBe(true);
    // stale_after is 15m: at 10:15:00.001 the node is offline, with the same files.
    expect(await runBoth(repo, twin, at('10:15:00') + 1)).toBe(false);
    expect(JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')).nodes.n0.health).toBe(
      'offline',
    );
    // An earlier `now` than the stored run is not within its span either.
    expect(await runBoth(repo, twin, at('10:04:00'))).toBe(false);
  });

  it('is not taken when one byte of a world file changed', async () => {
    const [repo, twin] = await twins({
      'inventory/hosts/n0/services.yaml': stringify({ services: [{ name: 'web' }] }),
      'world/nodes/n0.yaml': node('2026-11-22T10:00:00Z', 'failed', 'HTTP 503'),
    });
    // The first run opens an incident (it appends), so only the second is a fixed point to store.
    await runBoth(repo, twin, T0);
    expect(await runBoth(repo, twin, T0)).toBe(false);
    expect(await runBoth(repo, twin, T0)).toBe(true);
    const before = await readFile(path.join(repo, 'status/recommendations.json'), 'utf8');
    await both(repo, twin, (dir) =>
      writeFile(path.join(dir, 'world/nodes/n0.yaml'), node('2026-11-22T10:00:00Z', 'failed', 'HTTP 502')),
    );
    expect(await runBoth(repo, twin, T0)).toBe(false);
    const after = await readFile(path.join(repo, 'status/recommendations.json'), 'utf8');
    expect(after).not.toBe(before);
    expect(after).toContain('HTTP 502');
  });

  it('is not taken when a heartbeat file changed', async () => {
    const [repo, twin] = await twins({
      'inventory/hosts/n0/services.yaml': stringify({ services: [{ name: 'web' }] }),
      'world/nodes/n0.yaml': node('2026-11-22T10:00:00Z'),
    });
    const now = Date.parse('2026-11-22T10:30:00Z');
    await runBoth(repo, twin, now);
    await runBoth(repo, twin, now);
    expect(await runBoth(repo, twin, now)).toBe(true);
    expect(JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')).nodes.n0.health).toBe(
      'offline',
    );
    await both(repo, twin, async (dir) => {
      await makeDirFile(
        dir,
        '.labwarden/heartbeats/n0.json',
        JSON.stringify({ node: 'n0', seen_at: '2026-11-22T10:29:00Z' }),
      );
    });
    expect(await runBoth(repo, twin, now)).toBe(false);
    expect(JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')).nodes.n0.health).toBe(
      'online',
    );
  });

  it('is not taken when status/ was edited or removed, and rewrites it', async () => {
    const [repo, twin] = await twins({
      'inventory/hosts/n0/services.yaml': stringify({ services: [{ name: 'web' }] }),
      'world/nodes/n0.yaml': node('2026-11-22T10:00:00Z', 'failed', 'HTTP 503'),
    });
    await runBoth(repo, twin, T0);
    await rm(path.join(repo, 'status/recommendations.json'));
    expect(await runBoth(repo, twin, T0)).toBe(false);
    await writeFile(path.join(repo, 'status/insights.json'), '{}\n');
    expect(await runBoth(repo, twin, T0)).toBe(false);
    await writeFile(path.join(repo, RUN_CACHE_FILE), '{"fingerprint": tru');
    expect(await runBoth(repo, twin, T0)).toBe(false);
    expect(await runBoth(repo, twin, T0)).toBe(true);
  });

  it('ends at a maintenance window boundary', async () => {
    const [repo, twin] = await twins({
      'inventory/policy.yaml': stringify({
        stale_after: '6h',
        escalate_after: '12h',
        maintenance_windows: [{ name: 'patch', cron: '30 10 * * *', duration: '10m', nodes: ['n0'] }],
      }),
      'inventory/hosts/n0/services.yaml': stringify({ services: [{ name: 'web' }] }),
      'world/nodes/n0.yaml': node('2026-11-22T10:00:00Z', 'failed', 'HTTP 503'),
    });
    const at = (time: string) => Date.parse(`2026-11-22T${time}Z`);
    await runBoth(repo, twin, at('10:05:00'));
    await runBoth(repo, twin, at('10:06:00'));
    expect(await runBoth(repo, twin, at('10:29:59'))).toBe(true);
    expect(await runBoth(repo, twin, at('10:30:00'))).toBe(false);
    expect(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')).toContain(
      '"maintenance_window": "patch"',
    );
    expect(await runBoth(repo, twin, at('10:39:59'))).toBe(true);
    expect(await runBoth(repo, twin, at('10:40:00'))).toBe(false);
    expect(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')).not.toContain('maintenance_window');
  });

  it('ends when a drain reaches drain_timeout', async () => {
    const [repo, twin] = await twins({
      'inventory/policy.yaml': stringify({ stale_after: '6h', drain_timeout: '1h' }),
      'inventory/hosts/n0/services.yaml': stringify({ services: [{ name: 'web', failover: ['n1'] }] }),
      'inventory/hosts/n1/services.yaml': stringify({ services: [] }),
      'world/nodes/n0.yaml': node('2026-11-22T10:00:00Z'),
      'world/nodes/n1.yaml': stringify({
        node: 'n1',
        observed_at: '2026-11-22T10:00:00Z',
        status: 'online',
        services: [],
      }),
    });
    const at = (time: string) => Date.parse(`2026-11-22T${time}Z`);
    await both(repo, twin, (dir) =>
      appendAdminEvent(
        dir,
        { actor: 'test', action: 'enter_maintenance', node: 'n0', reason: 'disk' },
        { now: at('10:00:00') },
      ),
    );
    await runBoth(repo, twin, at('10:05:00'));
    await runBoth(repo, twin, at('10:06:00'));
    expect(await runBoth(repo, twin, at('10:59:59'))).toBe(true);
    expect(
      JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')).nodes.n0.maintenance.state,
    ).toBe('EnteringMaintenance');
    expect(await runBoth(repo, twin, at('11:00:00'))).toBe(false);
    expect(
      JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')).nodes.n0.maintenance.state,
    ).toBe('DrainFailed');
  });

  it(
    'gives what a full run gives at every `now`, across staleness, escalation, windows and maintenance',
    { timeout: 120_000 },
    async () => {
      const repo = await tempDir();
      await generateHomelab({ dir: repo, nodes: 12, services: 4, seed: 7, format: 'yaml', chronicleLines: 40 });
      // A window every hour for part of the fleet, and one node entering maintenance.
      const policy = stringify({
        stale_after: '10m',
        escalate_after: '20m',
        maintenance_windows: [
          { name: 'hourly', cron: '40 * * * *', duration: '10m', nodes: [nodeName(1), nodeName(2)] },
        ],
      });
      await writeFile(path.join(repo, 'inventory/policy.yaml'), policy);
      await appendAdminEvent(
        repo,
        { actor: 'test', action: 'enter_maintenance', node: nodeName(3), reason: 'disk' },
        { now: T0 - 5 * MINUTE },
      );
      const twin = await tempDir();
      await cp(repo, twin, { recursive: true });

      // Steps straddle every kind of boundary: a few ms, minutes, up to hours.
      const steps = [
        0, 0, 1, 60_000, 1, 239_999, 1, 1, 300_000, 0, 599_999, 2, 900_000, 0, 1_200_000, 1_800_000, 0, 3_600_000, 1, 0,
        7_200_000, 0,
      ];
      let now = T0;
      let shortcuts = 0;
      for (const step of steps) {
        now += step;
        if (await runBoth(repo, twin, now)) shortcuts++;
      }
      // The comparison above means something only if the shortcut was taken along the way.
      expect(shortcuts).toBeGreaterThan(3);
    },
  );
});

async function makeDirFile(dir: string, relative: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
  await writeFile(path.join(dir, relative), content);
}
