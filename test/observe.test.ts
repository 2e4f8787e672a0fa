import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupRepos, makeRepo, runCli, tempDir } from './helpers/repo.js';
import { startTestServers, type TestServers } from './helpers/servers.js';

let servers: TestServers;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => {
  await servers.close();
  await cleanupRepos();
});

function labRepo(): Promise<string> {
  return makeRepo({
    'inventory/hosts/lab/services.yaml': [
      'services:',
      `  - { name: web, probe: { http: "${servers.http}/ok", expect: 200 } }`,
      `  - { name: api, probe: { http: "${servers.http}/down" } }`,
      `  - { name: db, probe: { tcp: "${servers.tcpOpen}" } }`,
      `  - { name: cache, probe: { tcp: "${servers.tcpClosed}" } }`,
      '  - { name: job, probe: { command: "true" } }',
      '  - { name: stuck, probe: { command: "sleep 30", timeout: 500ms } }',
      '  - { name: manual }',
      '',
    ].join('\n'),
  });
}

const world = (repo: string) => readFile(path.join(repo, 'world/nodes/lab.yaml'), 'utf8');

describe('labwarden observe', () => {
  it('writes the snapshot once, leaves it alone while nothing changes, and beats the heart', async () => {
    const repo = await labRepo();
    const first = await runCli(['observe', '--repo', repo, '--now', '2026-11-22T10:00:00Z']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toBe('lab: 6 probes, 3 ok, 3 failed, 1 unknown; world/nodes/lab.yaml written\n');
    const text = await world(repo);
    expect(text.replace(/ in \d+ms/g, ' in Nms')).toBe(
      [
        '# yaml-language-server: $schema=../../schema/world.schema.json',
        'node: lab',
        'observed_at: 2026-11-22T10:00:00Z',
        'status: online',
        'services:',
        '  - { name: web, status: ok, detail: "HTTP 200 in Nms" }',
        '  - { name: api, status: failed, detail: "HTTP 503 from /down in Nms" }',
        '  - { name: db, status: ok, detail: "TCP ' + servers.tcpOpen + ' open in Nms" }',
        '  - { name: cache, status: failed, detail: "TCP ' + servers.tcpClosed + ': connection refused" }',
        '  - { name: job, status: ok, detail: "exit 0 in Nms" }',
        '  - { name: stuck, status: failed, detail: "command probe timed out after 500ms" }',
        '  - { name: manual, status: unknown, detail: "no probe, never reported" }',
        'deployments: []',
        'incidents: []',
        '',
      ].join('\n'),
    );

    const second = await runCli(['observe', '--repo', repo, '--node', 'lab', '--now', '2026-11-22T10:14:00Z']);
    expect(second.stdout).toBe('lab: 6 probes, 3 ok, 3 failed, 1 unknown; world/nodes/lab.yaml unchanged\n');
    expect(await world(repo)).toBe(text);
    expect(await readFile(path.join(repo, '.labwarden/heartbeats/lab.json'), 'utf8')).toBe(
      '{"node":"lab","seen_at":"2026-11-22T10:14:00Z"}\n',
    );

    // observed_at is 20 minutes old, but the heartbeat says the node was seen 6 minutes ago.
    const reconciled = await runCli([
      'reconcile',
      '--repo',
      repo,
      '--now',
      '2026-11-22T10:20:00Z',
      '--dry-run',
      '--json',
    ]);
    expect(reconciled.code).toBe(0);
    const ids = (JSON.parse(reconciled.stdout) as { recommendations: { id: string }[] }).recommendations.map(
      (r) => r.id,
    );
    expect(ids).not.toContain('lab/offline_node');
    expect(ids).toContain('lab/api/unhealthy_service');
  });

  it('rejects an unknown node and leaves an invalid snapshot untouched', async () => {
    const repo = await labRepo();
    expect(await runCli(['observe', '--repo', repo, '--node', 'lob'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown node "lob" (did you mean "lab"?)'),
    });
    await mkdir(path.join(repo, 'world/nodes'), { recursive: true });
    await writeFile(path.join(repo, 'world/nodes/lab.yaml'), 'node: lab\nstatus: sideways\n');
    const run = await runCli(['observe', '--repo', repo]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('world/nodes/lab.yaml is invalid; it was left as it was');
    expect(await world(repo)).toBe('node: lab\nstatus: sideways\n');
  });

  it('--heartbeat force-pushes labwarden/heartbeat/<node> and keeps it at one commit', async () => {
    const repo = await labRepo();
    const origin = await tempDir('labwarden-origin-');
    const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
    git(origin, 'init', '--quiet', '--bare');
    git(repo, 'init', '--quiet');
    git(repo, 'remote', 'add', 'origin', origin);
    for (const now of ['2026-11-22T10:00:00Z', '2026-11-22T10:14:00Z']) {
      expect((await runCli(['observe', '--repo', repo, '--heartbeat', '--timeout', '1s', '--now', now])).code).toBe(0);
    }
    expect(git(origin, 'rev-list', '--count', 'labwarden/heartbeat/lab')).toBe('1');
    expect(git(origin, 'show', 'labwarden/heartbeat/lab:lab.json')).toBe(
      '{"node":"lab","seen_at":"2026-11-22T10:14:00Z"}',
    );

    // Reconcile reads liveness from the branch alone (no local heartbeat file).
    await rm(path.join(repo, '.labwarden'), { recursive: true });
    const offline = async (...extra: string[]) => {
      const run = await runCli([
        'reconcile',
        '--repo',
        repo,
        '--now',
        '2026-11-22T10:20:00Z',
        '--dry-run',
        '--json',
        ...extra,
      ]);
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as { recommendations: { id: string }[] }).recommendations.some(
        (r) => r.id === 'lab/offline_node',
      );
    };
    expect(await offline()).toBe(true);
    expect(await offline('--heartbeat-remote', 'origin')).toBe(false);
    expect(await runCli(['reconcile', '--repo', repo, '--heartbeat-remote', 'nowhere', '--dry-run'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('could not fetch the heartbeat branches from "nowhere"'),
    });
  });

  it('--heartbeat without a clone, without origin or with origin gone: one line and the fix, never a stack trace', async () => {
    const repo = await labRepo();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
    const observe = () =>
      runCli(['observe', '--repo', repo, '--heartbeat', '--timeout', '1s', '--now', '2026-11-22T10:00:00Z']);
    const notClone = await observe();
    expect(notClone).toMatchObject({ code: 2, stdout: '' });
    expect(notClone.stderr).toBe(
      `error: --heartbeat: ${repo} is not a git clone\nhint: Run it in a clone of your homelab repo, or drop --heartbeat: observe then writes .labwarden/heartbeats/<node>.json.\n`,
    );
    git('init', '--quiet', '-b', 'main');
    const noOrigin = await observe();
    expect(noOrigin.code).toBe(2);
    expect(noOrigin.stderr).toBe(
      'error: --heartbeat: this clone has no remote "origin" to push labwarden/heartbeat/<node> to\n' +
        'hint: Add it (`git remote add origin URL`), pick another with --remote NAME, or drop --heartbeat: observe then writes .labwarden/heartbeats/<node>.json.\n',
    );
    const gone = path.join(await tempDir('labwarden-gone-'), 'homelab.git');
    git('remote', 'add', 'origin', gone);
    const unreachable = await observe();
    expect(unreachable.code).toBe(1);
    expect(await world(repo)).toContain('node: lab'); // the snapshot is written before the push fails
    expect(unreachable.stderr).toBe(
      `error: cannot push the heartbeat branch labwarden/heartbeat/lab to origin: '${gone}' does not appear to be a git repository\n` +
        'hint: Check that origin exists and is reachable (`git ls-remote origin`); the next observe pushes the heartbeat again.\n',
    );
  });
});

describe('labwarden report-deployment / report-incident / resolve-incident', () => {
  it('records into the snapshot and rejects bad input with exit 2', async () => {
    const repo = await labRepo();
    const at = (minute: number) => `2026-11-22T10:${String(minute).padStart(2, '0')}:00Z`;
    expect(
      await runCli([
        'report-deployment',
        'lab/web',
        '--result',
        'success',
        '--version',
        '1.10',
        '--repo',
        repo,
        '--now',
        at(1),
      ]),
    ).toMatchObject({
      code: 0,
      stdout: 'lab/web: deployment success 1.10 recorded in world/nodes/lab.yaml\n',
    });
    expect(
      (
        await runCli([
          'report-incident',
          'lab',
          '--id',
          'ups-battery',
          '--severity',
          'warning',
          '--summary',
          'UPS on battery',
          '--repo',
          repo,
          '--now',
          at(2),
        ])
      ).code,
    ).toBe(0);
    expect(
      (await runCli(['resolve-incident', 'lab', '--id', 'ups-battery', '--repo', repo, '--now', at(3)])).code,
    ).toBe(0);
    expect(await world(repo)).toBe(
      [
        '# yaml-language-server: $schema=../../schema/world.schema.json',
        'node: lab',
        'observed_at: 2026-11-22T10:03:00Z',
        'status: online',
        'services: []',
        'deployments:',
        '  - { service: web, at: 2026-11-22T10:01:00Z, result: success, version: "1.10" }',
        'incidents:',
        '  - { id: "ups-battery", severity: warning, summary: "UPS on battery", opened_at: 2026-11-22T10:02:00Z, resolved_at: 2026-11-22T10:03:00Z }',
        '',
      ].join('\n'),
    );
    expect((await runCli(['validate', '--repo', repo])).code).toBe(0);

    for (const [args, message] of [
      [['report-deployment', 'lab/nope', '--result', 'success'], 'unknown service "lab/nope"'],
      [['report-deployment', 'lab', '--result', 'success'], 'expected <node>/<service>'],
      [['report-deployment', 'lab/web', '--result', 'meh'], "argument 'meh' is invalid"],
      [['report-incident', 'lab', '--id', 'a b', '--severity', 'info', '--summary', 's'], '--id "a b"'],
      [['resolve-incident', 'lab', '--id', 'other'], 'lab has no incident "other"'],
    ] as const) {
      const run = await runCli([...args, '--repo', repo]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(message);
    }
  });
});
