import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRepos, copyDemo, makeRepo, PROJECT_ROOT, runCli, tempDir } from './helpers/repo.js';
import { demoFiles, git, makeRemote } from './helpers/git.js';

// Issue 19, item 4: flags that say what they do. Each case runs the built CLI as a child process.
const NOW = '2026-11-22T10:05:00Z';
const EXPECTED = 'expected a duration such as 30s, 5m or 1h30m (a bare number is seconds, as in policy.yaml)';

const NAME_HINT =
  'hint: Node names are lowercase letters, digits and inner dashes, at most 63 characters: nas, pi-4, media.\n';

afterAll(cleanupRepos);

/** Every file under `dir` (hidden ones too) with its bytes, for "nothing was written". */
async function tree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      files.set(
        path.relative(dir, path.join(entry.parentPath, entry.name)),
        (await readFile(path.join(entry.parentPath, entry.name))).toString('base64'),
      );
  }
  return files;
}

function probedRepo(): Promise<string> {
  return makeRepo({
    'inventory/hosts/lab/services.yaml':
      'services:\n  - { name: job, probe: { command: "true" } }\n  - { name: broken, probe: { command: "exit 3" } }\n',
  });
}

describe('durations: one syntax (policy.yaml), defaults shown in it', () => {
  it.each([
    [
      ['observe', '--timeout', '5000x'],
      `error: option '--timeout <duration>' argument '5000x' is invalid. ${EXPECTED}\n`,
    ],
    [
      ['observe', '--timeout', '0s'],
      "error: option '--timeout <duration>' argument '0s' is invalid. expected a duration above zero\n",
    ],
    [
      ['run', '--every', '5 minutes', '--once'],
      `error: option '--every <duration>' argument '5 minutes' is invalid. ${EXPECTED}\n`,
    ],
    [
      ['silence', '--node', 'media', '--for', '2hours'],
      `error: option '--for <duration>' argument '2hours' is invalid. ${EXPECTED}\n`,
    ],
  ])('%j: exit 2, says what a duration is', async (args, stderr) => {
    const repo = await copyDemo();
    const before = await tree(repo);
    const result = await runCli([...args, '--repo', repo]);
    expect(result).toEqual({ code: 2, stdout: '', stderr });
    expect(await tree(repo)).toEqual(before);
  });

  it('observe --help shows the timeout as typed: 5s, not 5000', async () => {
    const result = await runCli(['observe', '--help']);
    expect(result.stdout.replace(/\s+/g, ' ')).toContain(
      '--timeout <duration> per-probe timeout unless the probe sets `timeout` (default: 5s)',
    );
  });

  it('a bare number is seconds, as in policy.yaml: silence --for 90 lasts 90 seconds', async () => {
    const repo = await copyDemo();
    const result = await runCli([
      'silence',
      '--node',
      'media',
      '--for',
      '90',
      '--repo',
      repo,
      '--now',
      NOW,
      '--actor',
      'alice',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const last = (await readFile(path.join(repo, 'chronicle/admin.jsonl'), 'utf8')).trimEnd().split('\n').at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ action: 'silence', until: '2026-11-22T10:06:30Z' });
  });
});

describe('--repo everywhere', () => {
  it("keepalive --repo: OWNER/NAME from the clone's origin when GITHUB_REPOSITORY is unset", async () => {
    const clone = await tempDir();
    await git(clone, 'init', '--quiet');
    await git(clone, 'remote', 'add', 'origin', 'https://github.com/alice/homelab.git');
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const result = await runCli(['keepalive', '--repo', clone], {
      env: { GITHUB_API_URL: api, GITHUB_REPOSITORY: '', GITHUB_TOKEN: 't0k' },
    });
    server.close();
    expect(result).toEqual({ code: 0, stdout: 'workflow reconcile.yml enabled (HTTP 204)\n', stderr: '' });
    expect(seen).toEqual(['PUT /repos/alice/homelab/actions/workflows/reconcile.yml/enable']);
    const bare = await runCli(['keepalive', '--repo', await tempDir()], {
      env: { GITHUB_REPOSITORY: '', GITHUB_TOKEN: 't0k' },
    });
    expect(bare).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: keepalive needs GITHUB_TOKEN and GITHUB_REPOSITORY in the environment ' +
        '(or a clone with an origin remote as --repo)\nhint: Pass them with `env:` in the workflow step.\n',
    });
  });
});

describe('--json', () => {
  it('validate --json: every problem with file, line, col, severity, code, message and hint; exit 2', async () => {
    const repo = await copyDemo();
    await writeFile(
      path.join(repo, 'inventory/hosts/media/services.yaml'),
      'services:\n  - name: jellyfin\n    critcal: true\n',
    );
    const result = await runCli(['validate', '--repo', repo, '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([
      {
        file: 'inventory/hosts/media/services.yaml',
        line: 3,
        col: 5,
        severity: 'error',
        code: 'unknown_key',
        message: 'services[0]: unknown key "critcal" (did you mean "critical"?)',
        hint: 'Check the spelling against the file format in the README.',
      },
    ]);
    expect(await runCli(['validate', '--repo', PROJECT_ROOT, '--json'])).toEqual({
      code: 0,
      stdout: '[]\n',
      stderr: '',
    });
  });

  it('plan --json: the same comparison as the markdown, as data', async () => {
    const dir = await (await makeRemote(await demoFiles())).clone();
    const services = path.join(dir, 'inventory/hosts/media/services.yaml');
    await writeFile(services, `${(await readFile(services, 'utf8')).trimEnd()}\n  - name: grafana\n`);
    const result = await runCli(['plan', '--repo', dir, '--base', 'HEAD', '--now', NOW, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan).toMatchObject({
      base: 'HEAD',
      summary: { before: 'unstable', after: 'unstable' },
      cleared: [],
      changed: [],
    });
    expect(
      plan.opened.map(
        (rec: { node: string; service: string; drift: string }) => `${rec.node}/${rec.service} ${rec.drift}`,
      ),
    ).toEqual(['media/grafana missing_service']);
  });

  it('observe --json: one entry per node', async () => {
    const repo = await probedRepo();
    const result = await runCli(['observe', '--repo', repo, '--now', NOW, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      nodes: [{ node: 'lab', file: 'world/nodes/lab.yaml', probes: 2, changed: true, counts: { ok: 1, failed: 1 } }],
    });
  });
});

describe('observe --dry-run', () => {
  it('prints the snapshot a real run writes, byte for byte, and writes nothing', async () => {
    const repo = await probedRepo();
    const before = await tree(repo);
    const dry = await runCli(['observe', '--repo', repo, '--now', NOW, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(await tree(repo)).toEqual(before);
    const header = '# world/nodes/lab.yaml (would be written; dry run)\n';
    expect(dry.stdout.startsWith(header)).toBe(true);
    const real = await runCli(['observe', '--repo', repo, '--now', NOW]);
    expect(real.code, real.stderr).toBe(0);
    const written = await readFile(path.join(repo, 'world/nodes/lab.yaml'), 'utf8');
    const printed = dry.stdout.slice(header.length);
    // Probe timings differ between the two runs; everything else is the same bytes.
    const timeless = (text: string) => text.replace(/ in \d+ms/g, ' in Nms');
    expect(timeless(printed)).toBe(timeless(written));
    // Now unchanged: the dry run says so, still writing nothing.
    const settled = await tree(repo);
    const again = await runCli(['observe', '--repo', repo, '--now', NOW, '--dry-run', '--json']);
    expect(JSON.parse(again.stdout)[0]).toMatchObject({
      node: 'lab',
      changed: false,
      snapshot: { node: 'lab', observed_at: '2026-11-22T10:05:00Z' },
    });
    expect(await tree(repo)).toEqual(settled);
  });

  it('refuses --commit, --push and --heartbeat', async () => {
    const repo = await probedRepo();
    expect(await runCli(['observe', '--repo', repo, '--dry-run', '--push'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --dry-run cannot be combined with --commit, --push or --heartbeat\n',
    });
  });
});

describe('add-node', () => {
  it('scaffolds host.yaml and services.yaml exactly as init does, and the repo validates', async () => {
    const initialized = path.join(await tempDir(), 'lab');
    expect((await runCli(['init', initialized, '--nodes', 'nas'])).code).toBe(0);
    const result = await runCli(['add-node', 'pi-4', '--repo', initialized]);
    expect(result).toEqual({
      code: 0,
      stdout:
        'written   inventory/hosts/pi-4/host.yaml\nwritten   inventory/hosts/pi-4/services.yaml\n' +
        'Next: list its services (`labwarden discover --node pi-4 --write` on that machine), ' +
        'then `labwarden validate`.\n',
      stderr: '',
    });
    const reference = path.join(await tempDir(), 'ref');
    expect((await runCli(['init', reference, '--nodes', 'pi-4'])).code).toBe(0);
    for (const file of ['host.yaml', 'services.yaml']) {
      const text = await readFile(path.join(initialized, 'inventory/hosts/pi-4', file), 'utf8');
      expect(text).toBe(await readFile(path.join(reference, 'inventory/hosts/pi-4', file), 'utf8'));
      expect(text.split('\n')[0]).toBe(
        `# yaml-language-server: $schema=../../../schema/${file.replace('.yaml', '.schema.json')}`,
      );
    }
    expect((await runCli(['validate', '--repo', initialized])).stdout).toMatch(/^ok: 2 nodes, 0 services/);
  });

  it.each([
    [
      ['add-node', 'media'],
      'error: node "media" already exists: inventory/hosts/media/ is there; nothing written\n' +
        'hint: Pick another name, or edit inventory/hosts/media/host.yaml and services.yaml.\n',
    ],
    [['add-node', 'Media_1'], `error: "Media_1" is not a valid node name\n${NAME_HINT}`],
    [['add-node', '../escape'], `error: "../escape" is not a valid node name\n${NAME_HINT}`],
  ])('%j: exit 2, nothing written', async (args, stderr) => {
    const repo = await copyDemo();
    const before = await tree(repo);
    expect(await runCli([...args, '--repo', repo])).toEqual({ code: 2, stdout: '', stderr });
    expect(await tree(repo)).toEqual(before);
  });

  it('outside a labwarden repo: exit 2, says how to make one', async () => {
    const dir = await tempDir();
    expect(await runCli(['add-node', 'nas', '--repo', dir])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        `error: ${dir} is not a labwarden repo: inventory/hosts/ not found\n` +
        'hint: Create one with `labwarden init DIR`, or pass --repo DIR.\n',
    });
    expect(await readdir(dir)).toEqual([]);
  });
});
