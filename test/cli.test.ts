import { spawn } from 'node:child_process';
import { readFile, stat, writeFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, cleanupRepos, copyDemo, makeRepo, PROJECT_ROOT, runCli } from './helpers/repo.js';

const NOW = '2026-11-22T10:05:00Z';

afterAll(cleanupRepos);

describe('labwarden CLI (child processes)', () => {
  it('a reader that went away (`| head`) does not crash the command: it finishes and exits 0', async () => {
    const repo = await copyDemo();
    const child = spawn(
      process.execPath,
      [CLI, 'reconcile', '--repo', repo, '--now', '2026-11-22T10:40:00Z', '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Closed before the child has even loaded: its first write meets EPIPE.
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    // The work was done even though nobody read about it.
    expect(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')).toContain(
      '"since": "2026-11-22T10:15:00Z"',
    );
  });

  it('validates the demo homelab', async () => {
    const result = await runCli(['validate', '--repo', PROJECT_ROOT]);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/^ok: 6 nodes, 25 services, 6 world snapshots/);
  });

  it('reconciles the demo to the committed status, byte for byte, writing nothing', async () => {
    const repo = await copyDemo();
    const before = await stat(path.join(repo, 'status/recommendations.json'));
    const result = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('status/recommendations.json unchanged');
    const after = await stat(path.join(repo, 'status/recommendations.json'));
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('writes status once, then nothing on an identical second run', async () => {
    const repo = await copyDemo();
    await writeFile(path.join(repo, 'status/recommendations.json'), '{}\n');
    const first = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(first.stdout).toContain('written');
    const written = await readFile(path.join(repo, 'status/recommendations.json'), 'utf8');
    const second = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(second.stdout).toContain('unchanged');
    expect(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')).toBe(written);
  });

  it('--dry-run writes nothing and --json prints the result', async () => {
    const repo = await copyDemo();
    await writeFile(path.join(repo, 'status/recommendations.json'), '{}\n');
    const result = await runCli(['reconcile', '--repo', repo, '--now', NOW, '--dry-run', '--json']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.summary).toBe('unstable');
    expect(printed.recommendations[0]).toHaveProperty('id');
    expect(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')).toBe('{}\n');
  });

  it('bad inventory: exit 2, every problem as file:line:col, status left as it was', async () => {
    const repo = await copyDemo();
    const status = await readFile(path.join(repo, 'status/recommendations.json'), 'utf8');
    await writeFile(
      path.join(repo, 'inventory/hosts/media/services.yaml'),
      'services:\n  - name: jellyfin\n    critcal: true\n  - name: Bad_Name\n',
    );
    const validate = await runCli(['validate', '--repo', repo]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(
      'inventory/hosts/media/services.yaml:3:5 services[0]: unknown key "critcal" (did you mean "critical"?)',
    );
    expect(validate.stderr).toContain('inventory/hosts/media/services.yaml:4:11 services[1].name: expected a name');
    const reconcile = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(reconcile.code).toBe(2);
    expect(reconcile.stderr).toContain('inventory/hosts/media/services.yaml:3:5');
    expect(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')).toBe(status);
    expect((await readdir(path.join(repo, 'status'))).sort()).toEqual(['insights.json', 'recommendations.json']);
  });

  it('a broken world snapshot marks that node unknown and reconciles the rest', async () => {
    const repo = await copyDemo();
    await writeFile(path.join(repo, 'world/nodes/media.yaml'), 'node: media\nobserved_at: [\n');
    const validate = await runCli(['validate', '--repo', repo]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(/world\/nodes\/media\.yaml:\d+:\d+ /);
    const result = await runCli(['reconcile', '--repo', repo, '--now', NOW, '--json', '--dry-run']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.nodes.media.health).toBe('unknown');
    expect(printed.nodes.storage.health).toBe('online');
    expect(printed.recommendations).toContainEqual(
      expect.objectContaining({ id: 'media/unknown_node', reason: expect.stringContaining('world/nodes/media.yaml:') }),
    );
  });

  it('status prints the summary, nodes and grouped recommendations', async () => {
    const result = await runCli(['status', '--repo', PROJECT_ROOT]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('summary: UNSTABLE');
    expect(result.stdout).toMatch(/reconcile_required \(\d+\)/);
    expect(result.stdout).toContain('media/jellyfin');
    expect(result.stdout).not.toMatch(/\u001b\[/);
  });

  it('status without a reconcile says what to do', async () => {
    const repo = await makeRepo({});
    const result = await runCli(['status', '--repo', repo]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Run `labwarden reconcile` first');
  });

  it('--fail-on unstable exits non-zero on an unstable homelab', async () => {
    const repo = await copyDemo();
    const result = await runCli(['reconcile', '--repo', repo, '--now', NOW, '--dry-run', '--fail-on', 'unstable']);
    expect(result.code).toBe(3);
  });

  it('usage errors exit 2 and suggest the nearest command', async () => {
    const unknown = await runCli(['reconcil']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('reconcile');
    const badNow = await runCli(['reconcile', '--repo', PROJECT_ROOT, '--now', 'tomorrow', '--dry-run']);
    expect(badNow.code).toBe(2);
    expect(badNow.stderr).toContain('--now');
    const noRepo = await runCli(['validate', '--repo', '/nonexistent/labwarden']);
    expect(noRepo.code).toBe(2);
  });

  it('schema writes JSON Schema files the demo refers to', async () => {
    const repo = await makeRepo({});
    const result = await runCli(['schema', '--repo', repo]);
    expect(result.code).toBe(0);
    const services = JSON.parse(await readFile(path.join(repo, 'schema/services.schema.json'), 'utf8'));
    expect(services.properties.services.items.properties).toHaveProperty('critical');
    expect(services.properties.services.items.additionalProperties).toBe(false);
    const policy = JSON.parse(await readFile(path.join(repo, 'schema/policy.schema.json'), 'utf8'));
    expect(policy.properties.stale_after.default).toBe('15m');
    // The committed schema files match what the code generates.
    for (const name of ['services', 'host', 'world', 'policy']) {
      expect(await readFile(path.join(repo, `schema/${name}.schema.json`), 'utf8')).toBe(
        await readFile(path.join(PROJECT_ROOT, `schema/${name}.schema.json`), 'utf8'),
      );
    }
  });
});
