import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverCommand } from '../src/cli/commands/discover.js';
import type { Io } from '../src/cli/io.js';
import { defaultActionRef, idleMinutesPerMonth, packageVersion, renderWorkflows } from '../src/init/index.js';
import { git } from './helpers/git.js';
import { recordedOutputs, replayRunner } from './helpers/discover.js';
import { cleanupRepos, PROJECT_ROOT, runCli, tempDir } from './helpers/repo.js';

afterAll(cleanupRepos);

const NOW = '2026-11-22T10:05:00Z';

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? listFiles(dir, path.posix.join(prefix, entry.name)) : [path.posix.join(prefix, entry.name)],
    ),
  );
  return nested.flat().sort();
}

describe('labwarden init', () => {
  it('scaffolds a repo that validate accepts and reconcile runs on', async () => {
    const dir = path.join(await tempDir(), 'homelab');
    const init = await runCli(['init', dir, '--nodes', 'nas,pi']);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const files = await listFiles(dir);
    expect(files).toEqual(
      expect.arrayContaining([
        '.gitattributes',
        '.gitignore',
        'README.md',
        'chronicle/.gitkeep',
        'inventory/hosts/nas/host.yaml',
        'inventory/hosts/nas/services.yaml',
        'inventory/hosts/pi/host.yaml',
        'inventory/hosts/pi/services.yaml',
        'inventory/policy.yaml',
        'schema/host.schema.json',
        'schema/policy.schema.json',
        'schema/services.schema.json',
        'schema/world.schema.json',
        'world/nodes/.gitkeep',
      ]),
    );
    expect(await readFile(path.join(dir, '.gitattributes'), 'utf8')).toContain('chronicle/*.jsonl merge=union');
    expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toMatch(/^\.labwarden\/$/m);
    expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toMatch(/^site\/dist\/$/m);
    expect(await readFile(path.join(dir, 'inventory/hosts/pi/services.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/\.\.\/\.\.\/schema\/services\.schema\.json\n/,
    );
    expect(await readFile(path.join(dir, 'inventory/hosts/pi/host.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/\.\.\/\.\.\/schema\/host\.schema\.json\n/,
    );
    expect(await readFile(path.join(dir, 'inventory/policy.yaml'), 'utf8')).toContain('# stale_after: 15m');
    expect(await readFile(path.join(dir, 'README.md'), 'utf8')).toMatch(
      /discover[\s\S]*main[\s\S]*DISCORD_WEBHOOK_URL[\s\S]*Pages/,
    );
    expect(await readFile(path.join(dir, 'README.md'), 'utf8')).toContain('≈ **1,470 billed minutes a month**');
    // The schema files are those `labwarden schema` writes.
    for (const name of ['services', 'host', 'world', 'policy']) {
      expect(await readFile(path.join(dir, `schema/${name}.schema.json`), 'utf8')).toBe(
        await readFile(path.join(PROJECT_ROOT, `schema/${name}.schema.json`), 'utf8'),
      );
    }

    const validate = await runCli(['validate', '--repo', dir]);
    expect(validate).toMatchObject({ code: 0, stdout: 'ok: 2 nodes, 0 services, 0 world snapshots\n' });
    const reconcile = await runCli(['reconcile', '--repo', dir, '--now', NOW]);
    expect(reconcile.code).toBe(0);
    expect(
      JSON.parse(await readFile(path.join(dir, 'status/recommendations.json'), 'utf8')).recommendations.map(
        (r: { id: string }) => r.id,
      ),
    ).toEqual(['nas/offline_node', 'pi/offline_node']);
  });

  it('takes --repo like every command: the folder to scaffold, or the base of a relative DIR; neither is a usage error', async () => {
    const base = await tempDir();
    const byRepo = await runCli(['init', '--repo', path.join(base, 'a'), '--nodes', 'nas']);
    expect(byRepo).toMatchObject({ code: 0, stderr: '' });
    expect(existsSync(path.join(base, 'a/inventory/hosts/nas/services.yaml'))).toBe(true);
    const relative = await runCli(['init', 'b', '--repo', base, '--nodes', 'pi']);
    expect(relative).toMatchObject({ code: 0, stderr: '' });
    expect(existsSync(path.join(base, 'b/inventory/hosts/pi/services.yaml'))).toBe(true);
    const neither = await runCli(['init'], { cwd: base });
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain("missing required argument 'dir'");
    expect((await readdir(base)).sort()).toEqual(['a', 'b']);
  });

  const SCAFFOLD_WORKFLOWS = ['pages.yml', 'reconcile.yml', 'validate.yml'];

  it('writes workflows that pin the action at the version that ran init; --action and --every change them', async () => {
    const version = await packageVersion(PROJECT_ROOT);
    expect(version).toBe(JSON.parse(await readFile(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).version);
    const dir = await tempDir();
    expect((await runCli(['init', dir, '--nodes', 'nas'])).code).toBe(0);
    const expected = renderWorkflows({ action: defaultActionRef(version), every: 30, version });
    for (const name of SCAFFOLD_WORKFLOWS) {
      const text = await readFile(path.join(dir, '.github/workflows', name), 'utf8');
      expect(text, name).toBe(expected.get(name));
      // Upgrading is one line per workflow: the version appears on the uses: lines only.
      expect(
        text
          .split('\n')
          .filter((line) => line.includes(`@v${version}`))
          .every((line) => /^\s+(- )?uses: labwarden\/labwarden@v/.test(line)),
        name,
      ).toBe(true);
    }
    const other = await tempDir();
    const action = 'https://github.com/me/labwarden@v9.9.9';
    const custom = await runCli(['init', other, '--nodes', 'nas', '--action', action, '--every', '1h']);
    expect(custom.code, custom.stderr).toBe(0);
    expect(custom.stdout).toContain(
      `every 60 minutes ≈ ${idleMinutesPerMonth(60).toLocaleString('en-US')} billed Actions minutes a month`,
    );
    const reconcile = await readFile(path.join(other, '.github/workflows/reconcile.yml'), 'utf8');
    expect(reconcile).toContain('uses: https://github.com/me/labwarden@v9.9.9');
    expect(reconcile).toContain('- cron: "0 * * * *"');
    expect(reconcile).not.toContain('labwarden/labwarden@');
  });

  const CHOICES = 'expected one of 5m, 10m, 15m, 20m, 30m, 1h (time between scheduled runs)';
  it.each([
    [['--every', '7m'], `error: --every: ${CHOICES}, found "7m"\nhint: Every 30 minutes`],
    // A bare number is seconds, as everywhere (policy.yaml): the old minutes get a pointed hint.
    [
      ['--every', '15'],
      `error: --every: ${CHOICES}, found "15"\n` +
        'hint: A bare number is seconds, as in policy.yaml: write --every 15m for every 15 minutes.\n',
    ],
    [['--action', 'labwarden'], '--action: "labwarden" is not a uses: value'],
  ])('rejects %j before writing anything', async (args, message) => {
    const dir = await tempDir();
    const result = await runCli(['init', dir, '--nodes', 'nas', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(await readdir(dir)).toEqual([]);
  });

  it('makes the folder a git repository on main, and tells a repo on master how to rename', async () => {
    const dir = path.join(await tempDir(), 'fresh');
    const init = await runCli(['init', dir, '--nodes', 'nas']);
    expect(init.stdout).toContain('Git: a new repository on branch main');
    expect(await git(dir, 'symbolic-ref', '--short', 'HEAD')).toBe('main');
    const old = await tempDir();
    await git(old, 'init', '--quiet', '--initial-branch=master');
    const onMaster = await runCli(['init', old, '--nodes', 'nas']);
    expect(onMaster.code).toBe(0);
    expect(onMaster.stdout).toContain(
      'Git: this repository is on branch master, but the workflows run on main: rename it with `git branch -m master main`.',
    );
  });

  it('the scaffolded workflows and action.yml pass action-validator', async () => {
    const dir = await tempDir();
    expect((await runCli(['init', dir, '--nodes', 'nas'])).code).toBe(0);
    const workflows = await readdir(path.join(dir, '.github/workflows'));
    expect(workflows.sort()).toEqual(SCAFFOLD_WORKFLOWS);
    for (const file of [
      ...workflows.map((name) => path.join(dir, '.github/workflows', name)),
      path.join(PROJECT_ROOT, 'action.yml'),
    ]) {
      const result = await new Promise<{ code: number; output: string }>((resolve) => {
        execFile(path.join(PROJECT_ROOT, 'node_modules/.bin/action-validator'), [file], (error, stdout, stderr) => {
          resolve({
            code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
            output: `${stdout}${stderr}`,
          });
        });
      });
      expect(result, file).toMatchObject({ code: 0 });
    }
  });

  it('refuses to overwrite, listing the files, unless --force', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'inventory'), { recursive: true });
    await writeFile(path.join(dir, 'inventory/policy.yaml'), 'stale_after: 1h\n');
    await writeFile(path.join(dir, 'README.md'), 'mine\n');
    const refused = await runCli(['init', dir, '--nodes', 'nas']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`error: 2 files already exist in ${dir}:\n  README.md\n  inventory/policy.yaml\n`);
    expect(refused.stderr).toContain('--force');
    expect(await listFiles(dir)).toEqual(['README.md', 'inventory/policy.yaml']);
    const forced = await runCli(['init', dir, '--nodes', 'nas', '--force']);
    expect(forced.code).toBe(0);
    expect(await readFile(path.join(dir, 'inventory/policy.yaml'), 'utf8')).toContain('# stale_after: 15m');
    const again = await runCli(['init', dir, '--nodes', 'nas', '--force']);
    expect(again.stdout).not.toContain('written ');
  });

  it.each([
    ['Bad_Name', 'invalid node name "Bad_Name"'],
    [',', 'no node given'],
    ['../etc', 'invalid node name "../etc"'],
  ])('rejects --nodes %s', async (nodes, message) => {
    const dir = await tempDir();
    const result = await runCli(['init', dir, '--nodes', nodes]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('labwarden discover', () => {
  function captureIo(): Io & { text: () => string } {
    let out = '';
    return {
      out: (text) => void (out += `${text}\n`),
      err: () => undefined,
      color: false,
      exitCode: 0,
      text: () => out,
    };
  }

  it('--write merges recorded proposals into an initialised repo, which still validates, and twice adds nothing', async () => {
    const dir = await tempDir();
    expect((await runCli(['init', dir, '--nodes', 'nas'])).code).toBe(0);
    await writeFile(path.join(dir, 'inventory/hosts/nas/host.yaml'), 'address: 192.168.1.20\n');
    const recorded = recordedOutputs();
    const first = captureIo();
    await discoverCommand(first, replayRunner(recorded)).parseAsync(['--repo', dir, '--node', 'nas', '--write'], {
      from: 'user',
    });
    expect(first.text()).toContain('inventory/hosts/nas/services.yaml: added 12 services (jellyfin, ');
    const services = await readFile(path.join(dir, 'inventory/hosts/nas/services.yaml'), 'utf8');
    expect(services).toContain('probe: { http: http://192.168.1.20:8096/ }');
    expect(await runCli(['validate', '--repo', dir])).toMatchObject({
      code: 0,
      stdout: 'ok: 1 node, 12 services, 0 world snapshots\n',
    });
    const second = captureIo();
    await discoverCommand(second, replayRunner(recorded)).parseAsync(['--repo', dir, '--node', 'nas', '--write'], {
      from: 'user',
    });
    expect(second.text()).toContain('added 0 services');
    expect(await readFile(path.join(dir, 'inventory/hosts/nas/services.yaml'), 'utf8')).toBe(services);
  });

  it('runs for real on this machine: YAML that validate accepts; missing tools are warnings', async () => {
    const dir = await tempDir();
    expect((await runCli(['init', dir, '--nodes', 'here'])).code).toBe(0);
    const printed = await runCli(['discover', '--repo', dir, '--node', 'here']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(
      /^# yaml-language-server: \$schema=.*\n# Proposed by `labwarden discover` for node here \(docker, systemd, ports\)\.\n# Review, .*\nservices:/,
    );
    for (const line of printed.stderr.split('\n').filter(Boolean))
      expect(line).toMatch(/^warning: (docker|systemd|ports): /);
    await writeFile(path.join(dir, 'inventory/hosts/here/services.yaml'), printed.stdout);
    expect((await runCli(['validate', '--repo', dir])).code).toBe(0);
    const written = await runCli(['discover', '--repo', dir, '--node', 'here', '--write']);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain('inventory/hosts/here/services.yaml: added 0 services');
  });

  it('--write outside a labwarden repo says how to make one', async () => {
    const dir = await tempDir();
    const result = await runCli(['discover', '--repo', dir, '--source', 'ports', '--write']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('labwarden init DIR');
  });

  it('--write to a node that is not in the inventory suggests the nearest', async () => {
    const dir = await tempDir();
    expect((await runCli(['init', dir, '--nodes', 'nas'])).code).toBe(0);
    const result = await runCli(['discover', '--repo', dir, '--node', 'naas', '--source', 'ports', '--write']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'error: node "naas" is not in the inventory: inventory/hosts/naas/ not found (did you mean "nas"?)',
    );
    expect(existsSync(path.join(dir, 'inventory/hosts/naas'))).toBe(false);
  });

  it('an unknown --source is a usage error naming the choices', async () => {
    const result = await runCli(['discover', '--source', 'dockr']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Choose from docker, systemd, ports.');
  });
});
