import { mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRepos, makeRepo, PROJECT_ROOT, runCli, tempDir } from './helpers/repo.js';

afterAll(cleanupRepos);

const TWO_NODES = {
  'inventory/hosts/nas/services.yaml': 'services: []\n',
  'inventory/hosts/pi/services.yaml': 'services: []\n',
};

/** Each troubleshooting entry, reproduced: the repo, the command, the exact line the docs quote. */
const CASES: { name: string; files: Record<string, string | Buffer>; args: string[]; line: string }[] = [
  {
    name: 'misspelt key',
    files: { ...TWO_NODES, 'inventory/hosts/nas/services.yaml': 'services:\n  - name: jellyfin\n    critcal: true\n' },
    args: ['validate'],
    line: 'inventory/hosts/nas/services.yaml:3:5 services[0]: unknown key "critcal" (did you mean "critical"?)',
  },
  {
    name: 'invalid name',
    files: { ...TWO_NODES, 'inventory/hosts/nas/services.yaml': 'services:\n  - name: Jellyfin\n' },
    args: ['validate'],
    line: 'inventory/hosts/nas/services.yaml:2:11 services[0].name: expected a name of lowercase letters, digits and inner dashes (at most 63 characters), found "Jellyfin"',
  },
  {
    name: 'probe kinds',
    files: {
      ...TWO_NODES,
      'inventory/hosts/nas/services.yaml':
        'services:\n  - name: web\n    probe: { http: "http://x:80/", tcp: "x:80" }\n  - name: db\n    probe: {}\n',
    },
    args: ['validate'],
    line: 'inventory/hosts/nas/services.yaml:3:12 services[0].probe: a probe has exactly one kind, found http and tcp\ninventory/hosts/nas/services.yaml:5:12 services[1].probe: a probe needs exactly one of http, tcp, systemd, docker, command',
  },
  {
    name: 'unknown dependency',
    files: { ...TWO_NODES, 'inventory/hosts/nas/services.yaml': 'services:\n  - name: web\n    depends_on: [pi/db]\n' },
    args: ['validate'],
    line: 'inventory/hosts/nas/services.yaml:3:18 services[0].depends_on[0]: unknown service "pi/db"',
  },
  {
    name: 'cycle',
    files: {
      ...TWO_NODES,
      'inventory/hosts/nas/services.yaml':
        'services:\n  - name: web\n    depends_on: [db]\n  - name: db\n    depends_on: [web]\n',
    },
    args: ['validate'],
    line: 'inventory/hosts/nas/services.yaml:3:18 services[0].depends_on[0]: dependency cycle nas/db -> nas/web -> nas/db',
  },
  {
    name: 'quotes',
    files: {
      ...TWO_NODES,
      'inventory/hosts/nas/services.yaml': 'services:\n  - name: web\n    description: foo: bar\n',
    },
    args: ['validate'],
    line: 'inventory/hosts/nas/services.yaml:3:18 Nested mappings are not allowed in compact mappings',
  },
  {
    name: 'duration',
    files: { ...TWO_NODES, 'inventory/policy.yaml': 'stale_after: 15 minutes\n' },
    args: ['reconcile', '--now', '2026-11-22T10:00:00Z'],
    line: 'inventory/policy.yaml:1:14 stale_after: expected a duration such as 30s, 15m, 1h30m or 2d, found "15 minutes"\nerror: 1 problem in the desired state or chronicle; nothing written',
  },
  {
    name: 'wrong node',
    files: { ...TWO_NODES, 'world/nodes/nas.yaml': 'node: pi\nobserved_at: 2026-11-22T10:00:00Z\nstatus: online\n' },
    args: ['validate'],
    line: 'world/nodes/nas.yaml:1:7 node: "pi" does not match the file name (expected "nas")',
  },
  {
    name: 'unknown node',
    files: { ...TWO_NODES, 'world/nodes/nass.yaml': 'node: nass\nobserved_at: 2026-11-22T10:00:00Z\nstatus: online\n' },
    args: ['validate'],
    line: 'world/nodes/nass.yaml:1:1 snapshot for "nass", which is not a node in inventory/hosts/ (did you mean "nas"?)',
  },
  {
    name: 'chronicle',
    files: { ...TWO_NODES, 'chronicle/incidents.jsonl': '{"b":' },
    args: ['validate'],
    line: 'chronicle/incidents.jsonl:1:1 incomplete last line (an interrupted append?): not JSON; reconcile truncates it',
  },
  {
    name: 'aliases',
    files: {
      ...TWO_NODES,
      'inventory/policy.yaml': [
        'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        ...Array.from(
          { length: 9 },
          (_, i) => `a${i + 1}: &a${i + 1} [${Array.from({ length: 10 }, () => `*a${i}`).join(', ')}]`,
        ),
      ].join('\n'),
    },
    args: ['validate'],
    line: 'inventory/policy.yaml:2:10 YAML aliases expand this file beyond 1 MiB of data; write the values out or use fewer aliases',
  },
  {
    name: 'misnamed file',
    files: { ...TWO_NODES, 'inventory/hosts/pi/services.yml': 'services: []\n' },
    args: ['validate'],
    line: 'inventory/hosts/pi/services.yml:1:1 not read: a node folder holds only host.yaml and services.yaml (did you mean services.yaml?)',
  },
  {
    name: 'empty services.yaml',
    files: { ...TWO_NODES, 'inventory/hosts/pi/services.yaml': '' },
    args: ['validate'],
    line: "inventory/hosts/pi/services.yaml:1:1 file is empty; list the node's services, or write `services: []` if it runs none",
  },
  {
    name: 'not UTF-8',
    files: {
      ...TWO_NODES,
      'inventory/hosts/pi/services.yaml': Buffer.from(
        'services:\n  - name: web\n    description: "caf\u00e9"\n',
        'latin1',
      ),
    },
    args: ['validate'],
    line: 'inventory/hosts/pi/services.yaml:3:22 invalid UTF-8 byte 0xE9; save the file as UTF-8',
  },
  { name: 'no status', files: TWO_NODES, args: ['status'], line: 'error: no status/recommendations.json yet' },
  {
    name: 'bad --now',
    files: TWO_NODES,
    args: ['reconcile', '--now', 'tomorrow'],
    line: 'error: --now: expected an ISO timestamp such as 2026-11-22T10:00:00Z, found "tomorrow"',
  },
];

describe('docs/troubleshooting.md quotes the real messages', () => {
  it.each(CASES.map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    const repo = await makeRepo(entry.files);
    const result = await runCli([...entry.args, '--repo', repo]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(entry.line);
    expect(await readFile(path.join(PROJECT_ROOT, 'docs/troubleshooting.md'), 'utf8')).toContain(entry.line);
  });

  it('a symlink into .git/, and a directory where a file belongs', async () => {
    const doc = await readFile(path.join(PROJECT_ROOT, 'docs/troubleshooting.md'), 'utf8');
    const linked = await makeRepo(TWO_NODES);
    await mkdir(path.join(linked, 'chronicle'));
    await symlink('../.git/config', path.join(linked, 'chronicle/incidents.jsonl'));
    const link = await runCli(['validate', '--repo', linked]);
    expect(link.code).toBe(2);
    for (const line of link.stderr.split('\n').filter((text) => !text.startsWith('error:') && text))
      expect(doc).toContain(line);
    const dir = await makeRepo(TWO_NODES);
    await mkdir(path.join(dir, 'chronicle/admin.jsonl'), { recursive: true });
    const problem = (await runCli(['validate', '--repo', dir])).stderr.split('\n')[0]!;
    expect(problem).toBe('chronicle/admin.jsonl:1:1 is a directory; expected a file');
    expect(doc).toContain(problem);
  });

  it('not a labwarden repo', async () => {
    const dir = await tempDir();
    const result = await runCli(['validate', '--repo', dir]);
    const doc = await readFile(path.join(PROJECT_ROOT, 'docs/troubleshooting.md'), 'utf8');
    const [first, hint] = result.stderr.trim().split('\n');
    expect(doc).toContain(first!.replace(dir, '/home/me'));
    expect(doc).toContain(hint!);
  });
});

describe('docs', () => {
  it('the Discord setup names the exact OAuth scopes', async () => {
    expect(await readFile(path.join(PROJECT_ROOT, 'docs/discord.md'), 'utf8')).toContain('`bot applications.commands`');
  });

  it('every docs page is linked from docs/README.md', async () => {
    const index = await readFile(path.join(PROJECT_ROOT, 'docs/README.md'), 'utf8');
    for (const page of ['quickstart.md', 'formats.md', 'policy.md', 'discord.md', 'troubleshooting.md'])
      expect(index).toContain(`(${page})`);
  });
});
