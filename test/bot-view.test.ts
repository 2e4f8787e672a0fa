import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBotView } from '../src/bot/repo-view.js';
import { describeDrain } from '../src/maintenance/state.js';
import type { NodeMaintenance } from '../src/model/index.js';
import { cleanupRepos, copyDemo, runCli } from './helpers/repo.js';

afterAll(cleanupRepos);

describe("the bot's view", () => {
  it('/status shows each node state as status/ holds it, drain in the CLI words, nothing folded again', async () => {
    const repo = await copyDemo();
    expect((await runCli(['reconcile', '--repo', repo, '--now', '2026-11-22T10:05:00Z'])).code).toBe(0);
    const status = JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')) as {
      nodes: Record<string, { maintenance?: NodeMaintenance }>;
    };
    const expected: Record<string, string> = {};
    for (const [node, entry] of Object.entries(status.nodes)) {
      const m = entry.maintenance;
      if (!m || m.state === 'Active') continue;
      const drain =
        m.drain && (m.state === 'EnteringMaintenance' || m.state === 'DrainFailed')
          ? `, ${describeDrain(m.drain)}`
          : '';
      expected[node] = `${m.state}${m.since ? ` since ${m.since}` : ''}${m.actor ? ` by ${m.actor}` : ''}${drain}`;
    }
    const view = await readBotView(repo, Date.parse('2026-11-22T10:05:00Z'));
    expect(view.states).toEqual(expected);
    expect(view.states).toEqual({
      backup: 'Cordoned since 2026-11-22T09:05:00Z by bob',
      gateway: 'EnteringMaintenance since 2026-11-22T09:55:00Z by alice, drain 0/1 moved (3 stop with the node)',
    });
  });
});
