import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRepos, copyDemo, PROJECT_ROOT, runCli } from './helpers/repo.js';

const NOW = '2026-11-22T10:05:00Z';
const FILES = [
  'chronicle/incidents.jsonl',
  'chronicle/transitions.jsonl',
  'status/recommendations.json',
  'status/insights.json',
];

async function snapshot(repo: string): Promise<Record<string, string>> {
  return Object.fromEntries(
    await Promise.all(FILES.map(async (file) => [file, await readFile(path.join(repo, file), 'utf8')])),
  );
}

afterAll(cleanupRepos);

describe('reconcile and the chronicle (CLI)', () => {
  it('the committed demo is what `npm start` produces: a rerun writes nothing', async () => {
    const repo = await copyDemo();
    const before = await snapshot(repo);
    const run = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'unstable: 9 recommendations; status/recommendations.json unchanged; no chronicle change\n',
    );
    expect(await snapshot(repo)).toEqual(before);
    expect(before).toEqual(await snapshot(PROJECT_ROOT));
  });

  it('a later run appends whole lines once, and a rerun appends nothing', async () => {
    const repo = await copyDemo();
    const first = await runCli(['reconcile', '--repo', repo, '--now', '2026-11-22T10:40:00Z']);
    expect(first.stdout).toMatch(/; \d+ chronicle lines appended\n$/);
    const after = await snapshot(repo);
    const again = await runCli(['reconcile', '--repo', repo, '--now', '2026-11-22T10:40:00Z']);
    expect(again.stdout).toMatch(/no chronicle change\n$/);
    expect(await snapshot(repo)).toEqual(after);
    expect(after['chronicle/incidents.jsonl']!.endsWith('\n')).toBe(true);
  });

  it('repairs a truncated last line (an interrupted append) by cutting that line only', async () => {
    const repo = await copyDemo();
    const file = path.join(repo, 'chronicle/incidents.jsonl');
    const good = await readFile(file, 'utf8');
    const lineCount = good.split('\n').length;
    await writeFile(file, `${good}{"id":"0123","at":"2026-11-22T10:0`);
    const run = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `warning: chronicle/incidents.jsonl:${lineCount}:1 incomplete last line (an interrupted append?): not JSON; reconcile truncates it\n`,
    );
    expect(await readFile(file, 'utf8')).toBe(good);
  });

  it('refuses a corrupt line in the middle: exit 2, its line number, nothing written', async () => {
    const repo = await copyDemo();
    const file = path.join(repo, 'chronicle/incidents.jsonl');
    const lines = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, [lines[0], '{"id": "half', ...lines.slice(1)].join('\n'));
    const before = await snapshot(repo);
    const run = await runCli(['reconcile', '--repo', repo, '--now', '2026-11-22T11:00:00Z']);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe('chronicle/incidents.jsonl:2:1 corrupt line: not JSON');
    expect(run.stderr).toContain('nothing written');
    expect(await snapshot(repo)).toEqual(before);
    const validate = await runCli(['validate', '--repo', repo]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain('chronicle/incidents.jsonl:2:1 corrupt line: not JSON');
  });
});

const TODAY = '2026-11-22T00:00:00Z';
describe('labwarden chronicle', () => {
  it.each([
    // The demo carries 90 days of history (scripts/demo-history.mjs): today's lines are these.
    [
      ['--service', 'media/jellyfin', '--since', TODAY],
      ['opened       media/jellyfin  failed_deployment', 'opened       media/jellyfin  unhealthy_service'],
    ],
    [
      ['--node', 'pi', '--since', TODAY],
      ['2026-11-22T08:27:00Z  opened       pi  offline_node  critical  not seen since'],
    ],
    [
      ['--since', '30m', '--now', NOW],
      [
        '2026-11-22T09:40:00Z',
        '2026-11-22T09:40:00Z',
        '2026-11-22T10:00:00Z',
        '2026-11-22T10:00:00Z',
        '2026-11-22T10:00:00Z',
        '2026-11-22T10:00:00Z',
      ],
    ],
  ])('filters %j', async (args, expected) => {
    const run = await runCli(['chronicle', '--repo', PROJECT_ROOT, ...args]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, index) => expect(line).toContain(expected[index]));
  });

  it('rejects a bad --since with exit 2', async () => {
    const run = await runCli(['chronicle', '--repo', PROJECT_ROOT, '--since', 'yesterday']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--since: expected an ISO time');
  });
});
