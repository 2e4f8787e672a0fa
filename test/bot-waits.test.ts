import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultAppender as appender } from '../src/bot/admin-appender.js';
import { repoGitOps } from '../src/bot/persist.js';
import { readOperators } from '../src/bot/repo-view.js';
import { botConfig, createBotClient } from '../src/bot/run.js';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gitTimeoutMs } from '../src/git/client.js';
import { commitAndPush, GitFailure } from '../src/git/index.js';
import { DiscordStandIn } from './helpers/discord-stand-in.js';
import {
  ALICE,
  APP,
  chatInput,
  clonedHomelab,
  emitter,
  git,
  GUILD,
  OPS_ROLE,
  until,
} from './helpers/discord-interactions.js';
import { cleanupRepos } from './helpers/repo.js';

// Bounded waits: a hung remote fails one command within LABWARDEN_GIT_TIMEOUT while read-only
// commands answer at once; the acknowledgement never waits for the chronicle.
let discord: DiscordStandIn;
beforeEach(async () => {
  discord = await new DiscordStandIn().start();
});
afterEach(async () => {
  expect(discord.unexpected).toEqual([]);
  await discord.stop();
});
afterAll(cleanupRepos);

const NOW = Date.parse('2026-11-22T10:00:00Z');
const alice = { id: ALICE, name: 'alice' };
const node = (name: string) => [{ type: 3, name: 'node', value: name }];
const ofInteraction = (id: string) => discord.requests.filter((request) => request.path.includes(`tok-${id}`));

function startBot(repo: string) {
  const logs: string[] = [];
  const config = botConfig({
    DISCORD_TOKEN: 'bot-token',
    DISCORD_APPLICATION_ID: APP,
    DISCORD_GUILD_ID: GUILD,
    DISCORD_API_URL: discord.api,
  });
  const client = createBotClient(config, {
    repo,
    appender,
    git: repoGitOps(repo),
    now: () => NOW,
    log: (line) => logs.push(line),
  });
  return { client, emit: emitter(client, discord), logs };
}

/** A remote that takes the TCP connection and never says a word (a hung git daemon). */
async function silentRemote(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket.on('error', () => undefined)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `git://127.0.0.1:${port}/homelab.git`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('LABWARDEN_GIT_TIMEOUT', () => {
  it('is a duration as in policy.yaml, 30s by default; anything else is a clear error', () => {
    expect(gitTimeoutMs({})).toBe(30_000);
    expect(gitTimeoutMs({ LABWARDEN_GIT_TIMEOUT: '2s' })).toBe(2000);
    expect(gitTimeoutMs({ LABWARDEN_GIT_TIMEOUT: '1m30s' })).toBe(90_000);
    expect(gitTimeoutMs({ LABWARDEN_GIT_TIMEOUT: '45' })).toBe(45_000);
    expect(() => gitTimeoutMs({ LABWARDEN_GIT_TIMEOUT: 'soon' })).toThrow(
      'LABWARDEN_GIT_TIMEOUT: expected a duration such as 30s, 2m or 1m30s, found "soon"',
    );
    expect(() => gitTimeoutMs({ LABWARDEN_GIT_TIMEOUT: '0s' })).toThrow(/LABWARDEN_GIT_TIMEOUT/);
  });
});

describe('bot: bounded waits', () => {
  const saved = process.env.LABWARDEN_GIT_TIMEOUT;
  afterEach(() => {
    if (saved === undefined) delete process.env.LABWARDEN_GIT_TIMEOUT;
    else process.env.LABWARDEN_GIT_TIMEOUT = saved;
  });

  it('a hung remote fails /cordon within the timeout, privately, while /status answers meanwhile', async () => {
    process.env.LABWARDEN_GIT_TIMEOUT = '2s';
    const repo = await clonedHomelab();
    const remote = await silentRemote();
    await git(repo, 'remote', 'set-url', 'origin', remote.url);
    const { client, emit, logs } = startBot(repo);
    try {
      const started = Date.now();
      emit(chatInput('5000000000000000001', alice, 'cordon', node('media')));
      await until(() => ofInteraction('5000000000000000001').length === 1);
      emit(chatInput('5000000000000000002', alice, 'status', []));
      // /status does not queue behind the hung pull: its reply comes while /cordon still waits.
      await until(() => ofInteraction('5000000000000000002').some((request) => request.method === 'PATCH'));
      expect(ofInteraction('5000000000000000001').map((request) => request.method)).toEqual(['POST']);
      expect(ofInteraction('5000000000000000002').at(-1)!.body.content).toMatch(
        /^Summary: \*\*unknown\*\*\n• \*\*media\*\*: 1 open incident\n/,
      );
      await until(() => ofInteraction('5000000000000000001').some((request) => request.method === 'DELETE'), 20_000);
      const elapsed = Date.now() - started;
      const [, followUp] = ofInteraction('5000000000000000001');
      expect(followUp!.body.flags).toBe(64);
      expect(followUp!.body.content).toBe(
        '/cordon failed: remote origin did not answer within 2s. Nothing was pushed.',
      );
      // Bounded: the 2 s timeout, plus git's start and a loaded machine; never the 45 s of issue 17.
      expect(elapsed).toBeGreaterThanOrEqual(2000);
      expect(elapsed).toBeLessThan(15_000);
      expect(logs.some((line) => line.startsWith('/cordon failed: remote origin did not answer within 2s'))).toBe(true);
      expect((await git(repo, 'status', '--porcelain')).stdout).toBe('');
      expect((await git(repo, 'rev-list', '--count', 'HEAD')).stdout.trim()).toBe('1');
    } finally {
      await client.destroy();
      await remote.close();
    }
  }, 30_000);

  it('a push to a hung remote is remote_timeout (exit 1) within the timeout, the commit kept locally', async () => {
    process.env.LABWARDEN_GIT_TIMEOUT = '2s';
    const repo = await clonedHomelab();
    const remote = await silentRemote();
    try {
      await git(repo, 'remote', 'set-url', 'origin', remote.url);
      await writeFile(path.join(repo, 'chronicle/notifications.jsonl'), '{"event":"sent"}\n');
      const started = Date.now();
      const error = await commitAndPush(repo, {
        files: ['chronicle/notifications.jsonl'],
        message: 'notify: sent',
        push: true,
      }).catch((caught: unknown) => caught);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(error).toBeInstanceOf(GitFailure);
      expect((error as GitFailure).code).toBe('remote_timeout');
      expect((error as GitFailure).exitCode).toBe(1);
      const head = (await git(repo, 'rev-parse', 'HEAD')).stdout.trim();
      expect((error as GitFailure).message).toBe(
        `push to origin got no answer within 2s. Commit ${head.slice(0, 7)} is kept locally.`,
      );
      expect((await git(repo, 'log', '-1', '--format=%s')).stdout.trim()).toBe('notify: sent');
    } finally {
      await remote.close();
    }
  }, 30_000);

  it('acknowledges within 3 seconds whatever the chronicle holds: only the policy is read first', async () => {
    const lines: string[] = [];
    for (let index = 0; index < 60_000; index++) {
      const service = `svc-${index % 1000}`;
      const event = index % 2 === 0 ? 'opened' : 'resolved';
      lines.push(
        JSON.stringify({
          id: `e${index}`,
          at: '2026-11-22T09:00:00Z',
          event,
          fingerprint: `media/${service}/unhealthy_service`,
          node: 'media',
          service,
          drift: 'unhealthy_service',
          severity: 'warning',
          recommendation: 'reconcile_required',
          action: 'redeploy',
          reason: 'status failed: HTTP 503 from /health',
        }),
      );
    }
    const repo = await clonedHomelab({ 'chronicle/incidents.jsonl': `${lines.join('\n')}\n` });
    expect(await readOperators(repo)).toEqual({ users: [ALICE], roles: [OPS_ROLE] });
    const { client, emit } = startBot(repo);
    try {
      emit(chatInput('5000000000000000011', alice, 'cordon', node('pi')));
      await until(() => ofInteraction('5000000000000000011').some((request) => request.method === 'PATCH'), 30_000);
      const [ack, edit] = ofInteraction('5000000000000000011');
      // The stand-in refuses an initial response after 3 s (404 Unknown interaction).
      expect([ack!.body.type, ack!.status]).toEqual([5, 204]);
      expect([edit!.method, edit!.status]).toEqual(['PATCH', 200]);
      expect(edit!.body.content).toMatch(/^pi: cordon recorded as seq 1/);
    } finally {
      await client.destroy();
    }
  }, 60_000);
});
