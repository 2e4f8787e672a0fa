import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, makeRemote } from './helpers/git.js';
import { cleanupRepos, makeRepo, runCli, tempDir } from './helpers/repo.js';

/**
 * `observe --node N` runs the matching skill's diagnostics once per episode: real observe
 * processes, a real HTTP service on 127.0.0.1 (its probe and the skill's GET), and recording
 * stand-ins for the programs the skill runs (`uptime`, `free`) on PATH.
 */

let server: http.Server;
let base = '';
let down = true;
let bin = '';
let log = '';

beforeAll(async () => {
  server = http.createServer((_request, response) => {
    response.statusCode = down ? 503 : 200;
    response.end(down ? 'upstream gone' : 'fine');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  bin = await tempDir('labwarden-bin-');
  log = path.join(bin, 'argv.log');
  for (const [name, body] of Object.entries({
    uptime: 'echo "load average: 9.00"',
    free: 'echo "Mem: 100 99"; exit 1',
  })) {
    await writeFile(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> '${log}'\n${body}\n`);
    await chmod(path.join(bin, name), 0o755);
  }
});

afterAll(async () => {
  server.close();
  await cleanupRepos();
});

const env = () => ({ PATH: `${bin}:${process.env.PATH}` });
const calls = async () =>
  (await readFile(log, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[0]);
const diagnostics = async (repo: string) =>
  (await readFile(path.join(repo, 'chronicle/diagnostics.jsonl'), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const labFiles = (policy = '') => ({
  ...(policy ? { 'inventory/policy.yaml': policy } : {}),
  'inventory/hosts/lab/services.yaml': `services:\n  - { name: api, probe: { http: "${base}/health", expect: 200 } }\n`,
  'inventory/hosts/other/services.yaml': `services:\n  - { name: web, probe: { http: "${base}/web", expect: 200 } }\n`,
});

async function lab(policy = ''): Promise<string> {
  await writeFile(log, '');
  down = true;
  return makeRepo(labFiles(policy));
}

const observe = (repo: string, now: string, ...extra: string[]) =>
  runCli(['observe', '--repo', repo, '--now', now, ...extra], { env: env() });
const reconcile = (repo: string, now: string) => runCli(['reconcile', '--repo', repo, '--now', now]);

describe('automatic diagnosis from observe --node', () => {
  it('runs once per episode: not again while the episode lasts, again for a new one', async () => {
    const repo = await lab();
    // No status/ yet: observing writes the world and nothing else.
    expect(await observe(repo, '2026-11-22T10:00:00Z', '--node', 'lab')).toMatchObject({ code: 0, stderr: '' });
    expect(await calls()).toEqual([]);
    expect((await reconcile(repo, '2026-11-22T10:00:00Z')).code).toBe(0);

    const first = await observe(repo, '2026-11-22T10:05:00Z', '--node', 'lab');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      'diagnosed lab/api/unhealthy_service (http-upstream-down): 3 steps, 2 failed; in chronicle/diagnostics.jsonl\n',
    );
    expect(await calls()).toEqual(['uptime', 'free']);
    const lines = await diagnostics(repo);
    expect(lines.map((line) => [line.at, line.fingerprint, line.step, line.title, line.result])).toEqual([
      ['2026-11-22T10:05:00Z', 'lab/api/unhealthy_service', 1, 'GET the probe URL', 'failed'],
      ['2026-11-22T10:05:00Z', 'lab/api/unhealthy_service', 2, 'load and uptime', 'ok'],
      ['2026-11-22T10:05:00Z', 'lab/api/unhealthy_service', 3, 'memory', 'failed'],
    ]);
    // The other node's recommendation is diagnosed on that node, not here.
    expect(lines.some((line) => line.node === 'other')).toBe(false);

    // Same episode: nothing runs again.
    const second = await observe(repo, '2026-11-22T10:10:00Z', '--node', 'lab');
    expect(second.stdout).not.toContain('diagnosed');
    expect(await calls()).toEqual(['uptime', 'free']);
    expect(await diagnostics(repo)).toHaveLength(3);

    // Recovered, then down again much later: a new episode is diagnosed once more.
    down = false;
    await observe(repo, '2026-11-22T11:00:00Z', '--node', 'lab');
    expect((await reconcile(repo, '2026-11-22T11:00:00Z')).code).toBe(0);
    // The resolution needs evidence: an observation past stabilize_for after the drift cleared.
    await observe(repo, '2026-11-22T12:00:00Z', '--node', 'lab');
    expect((await reconcile(repo, '2026-11-22T12:00:00Z')).code).toBe(0);
    down = true;
    await observe(repo, '2026-11-22T14:00:00Z', '--node', 'lab');
    expect((await reconcile(repo, '2026-11-22T14:00:00Z')).code).toBe(0);
    const status = JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8'));
    const api = status.recommendations.find((rec: { id: string }) => rec.id === 'lab/api/unhealthy_service');
    expect(api).toMatchObject({ since: '2026-11-22T14:00:00Z' });
    const again = await observe(repo, '2026-11-22T14:05:00Z', '--node', 'lab');
    expect(again.stdout).toContain('diagnosed lab/api/unhealthy_service');
    expect(await calls()).toEqual(['uptime', 'free', 'uptime', 'free']);
    expect(await diagnostics(repo)).toHaveLength(6);
  });

  it('is off by policy, off without --node, off with --dry-run', async () => {
    for (const [policy, args] of [
      ['remediation:\n  auto_diagnose: false\n', ['--node', 'lab']],
      ['', []],
      ['', ['--node', 'lab', '--dry-run']],
    ] as const) {
      const repo = await lab(policy);
      await observe(repo, '2026-11-22T10:00:00Z');
      expect((await reconcile(repo, '2026-11-22T10:00:00Z')).code).toBe(0);
      const run = await observe(repo, '2026-11-22T10:05:00Z', ...args);
      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain('diagnosed');
      expect(await calls()).toEqual([]);
      expect(await diagnostics(repo)).toEqual([]);
    }
  });

  it('an unreadable status/ or a broken homelab skill skips it with a warning; the observation is written', async () => {
    const repo = await lab();
    await observe(repo, '2026-11-22T10:00:00Z');
    expect((await reconcile(repo, '2026-11-22T10:00:00Z')).code).toBe(0);
    await mkdir(path.join(repo, 'inventory/skills'));
    await writeFile(path.join(repo, 'inventory/skills/bad.yaml'), 'id: bad\ntitle: x\n');
    const broken = await observe(repo, '2026-11-22T10:05:00Z', '--node', 'lab');
    expect(broken).toMatchObject({ code: 0 });
    expect(broken.stderr).toContain(
      'warning: automatic diagnosis skipped: 3 problem(s) in inventory/skills/ (labwarden validate lists them)',
    );
    await writeFile(path.join(repo, 'status/recommendations.json'), '{"recommendations": [');
    const unreadable = await observe(repo, '2026-11-22T10:10:00Z', '--node', 'lab');
    expect(unreadable).toMatchObject({ code: 0 });
    expect(unreadable.stderr).toContain(
      'warning: automatic diagnosis skipped: status/recommendations.json is not valid JSON',
    );
    expect(await calls()).toEqual([]);
    expect(await diagnostics(repo)).toEqual([]);
  });

  it('--commit commits the diagnostics with the world files', async () => {
    await writeFile(log, '');
    down = true;
    const repo = await (await makeRemote(labFiles())).clone();
    await observe(repo, '2026-11-22T10:00:00Z', '--node', 'lab', '--push');
    expect((await reconcile(repo, '2026-11-22T10:00:00Z')).code).toBe(0);
    await git(repo, 'add', 'status', 'chronicle');
    await git(repo, 'commit', '-q', '-m', 'reconcile');
    const pushed = await observe(repo, '2026-11-22T10:05:00Z', '--node', 'lab', '--push');
    expect(pushed.code).toBe(0);
    const files = (await git(repo, 'show', '--name-only', '--format=', 'HEAD')).split('\n');
    // The world did not change since the last observation; the diagnostics are committed alone.
    expect(files).toEqual(['chronicle/diagnostics.jsonl']);
    expect(await git(repo, 'log', '-1', '--format=%s')).toBe('observe: diagnostics of lab');
    expect(await git(repo, 'status', '--porcelain')).toBe('');
    expect(await git(repo, 'rev-parse', 'HEAD')).toBe(await git(repo, 'rev-parse', 'origin/main'));
  });
});
