import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRepos, copyDemo, runCli } from './helpers/repo.js';

// Issue 19: every input either counts or is reported, and `validate` reports every problem
// at once. Each case runs the built CLI on a temp copy of the demo, as a user would.

const NOW = '2026-11-22T10:05:00Z';
const PI = 'inventory/hosts/pi';
const NO_SERVICES =
  'warning: inventory/hosts/pi:1:1 node "pi" has no services.yaml: nothing is desired on it, so every service observed there ' +
  'is reported as unmanaged (write `services: []` if it runs none)';

afterAll(cleanupRepos);

async function demoWith(change: (repo: string) => Promise<unknown>): Promise<string> {
  const repo = await copyDemo();
  await change(repo);
  return repo;
}

const lines = (text: string) => text.split('\n').filter(Boolean);

describe('validate: nothing in a node folder is ignored without a word', () => {
  it('an empty and a comment-only services.yaml: exit 2 with a hint', async () => {
    const repo = await demoWith(async (dir) => {
      await writeFile(path.join(dir, PI, 'services.yaml'), '');
      await writeFile(
        path.join(dir, 'inventory/hosts/backup/services.yaml'),
        '# yaml-language-server: $schema=../../../schema/services.schema.json\n# services:\n',
      );
    });
    const result = await runCli(['validate', '--repo', repo]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      "inventory/hosts/backup/services.yaml:1:1 file is empty (only comments); list the node's services, or write `services: []` if it runs none",
      "inventory/hosts/pi/services.yaml:1:1 file is empty; list the node's services, or write `services: []` if it runs none",
      'error: 2 problems found',
    ]);
  });

  it('misnamed files: exit 2, "did you mean services.yaml?"; the missing services.yaml is said too', async () => {
    const repo = await demoWith(async (dir) => {
      await rename(path.join(dir, PI, 'services.yaml'), path.join(dir, PI, 'services.yml'));
      await rename(
        path.join(dir, 'inventory/hosts/backup/services.yaml'),
        path.join(dir, 'inventory/hosts/backup/Services.yaml'),
      );
      await rename(path.join(dir, 'inventory/hosts/media/host.yaml'), path.join(dir, 'inventory/hosts/media/host.yml'));
    });
    const result = await runCli(['validate', '--repo', repo]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      NO_SERVICES.replaceAll('pi', 'backup'),
      NO_SERVICES,
      'inventory/hosts/backup/Services.yaml:1:1 not read: a node folder holds only host.yaml and services.yaml (did you mean services.yaml?)',
      'inventory/hosts/media/host.yml:1:1 not read: a node folder holds only host.yaml and services.yaml (did you mean host.yaml?)',
      'inventory/hosts/pi/services.yml:1:1 not read: a node folder holds only host.yaml and services.yaml (did you mean services.yaml?)',
      'error: 3 problems found',
    ]);
  });

  it('an unknown file or folder in a node folder, or a file beside the node folders: exit 2', async () => {
    const repo = await demoWith(async (dir) => {
      await writeFile(path.join(dir, PI, 'README.md'), 'notes\n');
      await mkdir(path.join(dir, PI, 'old'));
      await writeFile(path.join(dir, 'inventory/hosts/nas.yaml'), 'services: []\n');
      await writeFile(path.join(dir, PI, '.gitkeep'), '');
    });
    const result = await runCli(['validate', '--repo', repo]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      'inventory/hosts/nas.yaml:1:1 not read: a node is a folder inventory/hosts/<node>/ with host.yaml and services.yaml',
      'inventory/hosts/pi/README.md:1:1 not read: a node folder holds only host.yaml and services.yaml',
      'inventory/hosts/pi/old:1:1 a directory, not read: a node folder holds only host.yaml and services.yaml',
      'error: 3 problems found',
    ]);
  });

  it('a deleted services.yaml: a warning, exit 0, on every reconcile (the run shortcut too)', async () => {
    const repo = await demoWith((dir) => rm(path.join(dir, PI, 'services.yaml')));
    const validate = await runCli(['validate', '--repo', repo]);
    expect(validate).toMatchObject({ code: 0, stdout: 'ok: 6 nodes, 22 services, 6 world snapshots; 1 warning\n' });
    expect(lines(validate.stderr)).toEqual([NO_SERVICES]);
    for (const run of [1, 2]) {
      const reconcile = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
      expect({ run, code: reconcile.code }).toEqual({ run, code: 0 });
      expect(reconcile.stderr).toContain(NO_SERVICES);
    }
    // A file added beside it changes no file read, but must not be hidden by the stored run.
    await writeFile(path.join(repo, PI, 'services.yml'), 'services: []\n');
    const after = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(after.code).toBe(2);
    expect(after.stderr).toContain(
      `${PI}/services.yml:1:1 not read: a node folder holds only host.yaml and services.yaml (did you mean services.yaml?)`,
    );
  });

  it('an empty node folder: a warning that git will not keep it, exit 0', async () => {
    const repo = await demoWith((dir) => mkdir(path.join(dir, 'inventory/hosts/nas')));
    const result = await runCli(['validate', '--repo', repo]);
    expect(result).toMatchObject({ code: 0, stdout: 'ok: 7 nodes, 25 services, 6 world snapshots; 1 warning\n' });
    expect(lines(result.stderr)).toEqual([
      'warning: inventory/hosts/nas:1:1 empty node folder: git does not keep an empty folder, so node "nas" is missing from every clone and from CI; ' +
        'add host.yaml and services.yaml',
    ]);
  });
});

describe('validate: invalid UTF-8 is an error at its position, never a silent U+FFFD', () => {
  it('in services.yaml: exit 2 at file:line:col, and the rest of the file is still checked', async () => {
    const repo = await demoWith(async (dir) => {
      const file = path.join(dir, PI, 'services.yaml');
      const [before, after] = (await readFile(file, 'utf8')).split('systemd: zigbee2mqtt }');
      await writeFile(
        file,
        Buffer.concat([Buffer.from(`${before}systemd: "zigbee`), Buffer.from([0xe9]), Buffer.from(`2mqtt" }${after}`)]),
      );
    });
    const result = await runCli(['validate', '--repo', repo]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      'inventory/hosts/pi/services.yaml:13:30 invalid UTF-8 byte 0xE9; save the file as UTF-8',
      'error: 1 problem found',
    ]);
    const reconcile = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(reconcile.code).toBe(2);
    expect(reconcile.stderr).toContain('inventory/hosts/pi/services.yaml:13:30 invalid UTF-8 byte 0xE9');
  });

  it('in a world snapshot: validate exits 2; reconcile marks that node unknown and goes on', async () => {
    const repo = await demoWith(async (dir) => {
      const file = path.join(dir, 'world/nodes/pi.yaml');
      await writeFile(
        file,
        Buffer.concat([await readFile(file), Buffer.from('# caf'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]),
      );
    });
    const validate = await runCli(['validate', '--repo', repo]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(/^world\/nodes\/pi\.yaml:\d+:6 invalid UTF-8 byte 0xC3; save the file as UTF-8$/m);
    const reconcile = await runCli(['reconcile', '--repo', repo, '--now', NOW, '--dry-run', '--json']);
    expect(reconcile.code).toBe(0);
    expect(JSON.parse(reconcile.stdout).nodes.pi.health).toBe('unknown');
    expect(reconcile.stderr).toMatch(/^warning: world\/nodes\/pi\.yaml:\d+:6 invalid UTF-8 byte 0xC3/m);
  });

  it('in a chronicle file: exit 2 at its line', async () => {
    const repo = await demoWith((dir) =>
      writeFile(
        path.join(dir, 'chronicle/notifications.jsonl'),
        Buffer.from([0x7b, 0x7d, 0x0a, 0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d, 0x0a]),
      ),
    );
    const result = await runCli(['validate', '--repo', repo]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'chronicle/notifications.jsonl:2:3 invalid UTF-8 byte 0xFF; save the file as UTF-8\n',
    );
  });
});

describe('validate: every problem at once, sorted, messages that name the key', () => {
  it('schema and cross-file problems in one pass; plurals right', async () => {
    const repo = await demoWith(async (dir) => {
      await writeFile(
        path.join(dir, PI, 'services.yaml'),
        [
          'services:',
          '  - name: mosquitto',
          '  - name: zigbee2mqtt',
          '    depends_on: [zigbee2mqtt]',
          '    failover: [pi]',
          '  - name: mosquitto',
          '  - name: home-assistant',
          '    critcal: true',
          '    depends_on: [mosquitto]',
          '',
        ].join('\n'),
      );
      await writeFile(path.join(dir, PI, 'host.yaml'), 'address: 192.168.1.20\nrole: a\nrole: b\n');
    });
    const result = await runCli(['validate', '--repo', repo]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      'inventory/hosts/pi/host.yaml:3:1 duplicate key "role": a key may appear once per mapping',
      'inventory/hosts/pi/services.yaml:4:18 services[1].depends_on[0]: pi/zigbee2mqtt depends on itself',
      'inventory/hosts/pi/services.yaml:5:16 services[1].failover[0]: "pi" is the service\'s own node; list other nodes',
      'inventory/hosts/pi/services.yaml:6:11 services[2].name: "mosquitto" is listed twice on pi',
      'inventory/hosts/pi/services.yaml:8:5 services[3]: unknown key "critcal" (did you mean "critical"?)',
      'error: 5 problems found',
    ]);
  });

  it('one of each: "1 node, 1 service"', async () => {
    const repo = await copyDemo();
    for (const node of ['apps', 'backup', 'gateway', 'media', 'storage'])
      await rm(path.join(repo, 'inventory/hosts', node), { recursive: true });
    await rm(path.join(repo, 'world'), { recursive: true });
    for (const part of ['chronicle', 'status']) await rm(path.join(repo, part), { recursive: true });
    await writeFile(path.join(repo, PI, 'services.yaml'), 'services:\n  - name: mosquitto\n');
    const result = await runCli(['validate', '--repo', repo]);
    expect(result).toMatchObject({ code: 0, stdout: 'ok: 1 node, 1 service, 0 world snapshots\n', stderr: '' });
  });
});
