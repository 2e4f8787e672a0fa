import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REST } from 'discord.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultAppender as appender } from '../src/bot/admin-appender.js';
import { COMMANDS } from '../src/bot/commands.js';
import { repoGitOps } from '../src/bot/persist.js';
import { foldAdminEvents } from '../src/maintenance/chain.js';
import { appendAdminEvent } from '../src/maintenance/append.js';
import { botConfig, createBotClient, registerCommands } from '../src/bot/run.js';
import { cleanupRepos, tempDir } from './helpers/repo.js';
import { DiscordStandIn } from './helpers/discord-stand-in.js';
import {
  ALICE,
  APP,
  BOB,
  button,
  chatInput,
  clonedHomelab,
  emitter,
  enter,
  EVE,
  git,
  GUILD,
  OPS_ROLE,
  until,
} from './helpers/discord-interactions.js';

let discord: DiscordStandIn;
beforeEach(async () => {
  discord = await new DiscordStandIn().start();
});
afterEach(async () => {
  expect(discord.unexpected).toEqual([]);
  expect(discord.refusals).toEqual([]);
  await discord.stop();
});
afterAll(cleanupRepos);

const config = () =>
  botConfig({
    DISCORD_TOKEN: 'bot-token',
    DISCORD_APPLICATION_ID: APP,
    DISCORD_GUILD_ID: GUILD,
    DISCORD_API_URL: discord.api,
  });

describe('labwarden bot against the Discord stand-in', () => {
  it('registers the guild commands with one exact PUT', async () => {
    discord.route('GET', /^\/api\/v10\/guilds\/\d+$/, () => ({ status: 200, body: { id: GUILD, name: 'homelab' } }));
    const rest = new REST({ version: '10', api: discord.api }).setToken('bot-token');
    await registerCommands(rest, config());
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    expect(discord.requests.map((request) => [request.method, request.path, request.authorization])).toEqual([
      ['GET', `/api/v10/guilds/${GUILD}`, 'Bot bot-token'],
      ['PUT', `/api/v10/applications/${APP}/guilds/${GUILD}/commands`, 'Bot bot-token'],
    ]);
    expect(discord.requests[1]!.body).toEqual(JSON.parse(JSON.stringify(COMMANDS)));
    const mutating = discord.requests[1]!.body.filter((command: any) => command.default_member_permissions === '0').map(
      (command: any) => command.name,
    );
    expect(mutating).toEqual([
      'maintenance',
      'drain',
      'cordon',
      'uncordon',
      'silence',
      'unsilence',
      'ack',
      'approve',
      'remediation',
    ]);
  });

  it('says clearly when the guild is unknown, and never prints the token', async () => {
    discord.route('GET', /^\/api\/v10\/guilds\/\d+$/, () => ({
      status: 404,
      body: { message: 'Unknown Guild', code: 10004 },
    }));
    const rest = new REST({ version: '10', api: discord.api }).setToken('bot-token');
    const error = await registerCommands(rest, config()).catch((caught: Error) => caught);
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    expect((error as Error).message).toBe(`unknown guild ${GUILD}: the bot is not a member of it (404)`);
    expect(() => botConfig({ DISCORD_TOKEN: 'secret-token' })).toThrow(
      'the bot is not configured: missing or invalid DISCORD_APPLICATION_ID (a numeric id), DISCORD_GUILD_ID (a numeric id)',
    );
    expect(() => botConfig({ DISCORD_TOKEN: 'secret-token' })).not.toThrow(/secret-token/);
  });

  it('handles real interactions: defer, append, commit, push, edit the reply; refuses non-operators ephemerally; serializes two operators', async () => {
    const repo = await clonedHomelab();
    const logs: string[] = [];
    const client = createBotClient(config(), {
      repo,
      appender,
      git: repoGitOps(repo),
      now: () => Date.parse('2026-11-22T10:00:00Z'),
      log: (line) => logs.push(line),
    });
    // discord.js's internal action (pinned version): emits a real interaction from a raw payload.
    const emit = emitter(client, discord);
    try {
      emit(chatInput('3000000000000000001', { id: EVE, name: 'eve' }, 'maintenance', enter('media')));
      emit(chatInput('3000000000000000002', { id: ALICE, name: 'alice' }, 'maintenance', enter('media')));
      emit(chatInput('3000000000000000003', { id: BOB, name: 'bob', roles: [OPS_ROLE] }, 'maintenance', enter('pi')));
      emit(
        chatInput('3000000000000000004', { id: BOB, name: 'bob', roles: [OPS_ROLE] }, 'maintenance', enter('media')),
      );
      await until(
        () =>
          discord.requests.filter((request) => request.method === 'PATCH').length === 3 &&
          discord.requests.length === 7,
      ).catch((error) => {
        console.log(
          JSON.stringify(
            discord.requests.map((r) => [r.method, r.path, r.query, (r as any).status, r.body]),
            null,
            1,
          ),
          logs,
        );
        throw error;
      });
      const byInteraction = (id: string) =>
        discord.requests
          .filter((request) => request.path.includes(`tok-${id}`))
          .map((request) => [request.method, request.path.replace(`tok-${id}`, 'TOKEN'), request.body]);
      expect(byInteraction('3000000000000000001')).toEqual([
        [
          'POST',
          '/api/v10/interactions/3000000000000000001/TOKEN/callback',
          {
            type: 4,
            data: expect.objectContaining({
              content: 'You are not an operator of this homelab, so /maintenance was refused.',
              flags: 64,
              allowed_mentions: { parse: [] },
            }),
          },
        ],
      ]);
      expect(byInteraction('3000000000000000002')[0]).toEqual([
        'POST',
        '/api/v10/interactions/3000000000000000002/TOKEN/callback',
        { type: 5, data: expect.anything() },
      ]);
      const edit = (id: string) => byInteraction(id).find(([method]) => method === 'PATCH')!;
      expect(edit('3000000000000000002')[1]).toBe(`/api/v10/webhooks/${APP}/TOKEN/messages/@original`);
      // Alice and Bob race for media: exactly one wins, the other is told nothing changed.
      const media = [edit('3000000000000000002')[2].content, edit('3000000000000000004')[2].content].sort();
      expect(media[0]).toBe('media is already in maintenance; nothing changed.');
      expect(media[1]).toMatch(
        /^media: enter_maintenance recorded as seq [12]; Active -> Maintenance \(nothing to move: 1 stops with the node\)\nCommitted [0-9a-f]{12} as (alice|bob)\.$/,
      );
      const winner = media[1].endsWith('as alice.')
        ? `alice <${ALICE}@discord.invalid>`
        : `bob <${BOB}@discord.invalid>`;
      expect(edit('3000000000000000003')[2].content).toMatch(
        /^pi: enter_maintenance recorded as seq [12]; Active -> Maintenance \(nothing to move: 1 stops with the node\)\nCommitted [0-9a-f]{12} as bob\.$/,
      );
      const { stdout } = await git(repo, 'log', '--format=%an <%ae>|%s', 'origin/main');
      expect(stdout.trim().split('\n').sort()).toEqual(
        [
          `${winner}|admin: enter maintenance media`,
          `bob <${BOB}@discord.invalid>|admin: enter maintenance pi`,
          'labwarden-bot <bot@example.invalid>|init',
        ].sort(),
      );
      expect(logs[0]).toBe(`refused /maintenance from eve (${EVE}): not an operator`);
    } finally {
      await client.destroy();
    }
  });

  it('alert buttons go through the same operator gate, update the alert they sit on, and answer the clicker privately', async () => {
    const repo = await clonedHomelab();
    const logs: string[] = [];
    const client = createBotClient(config(), {
      repo,
      appender,
      git: repoGitOps(repo),
      now: () => Date.parse('2026-11-22T10:00:00Z'),
      log: (line) => logs.push(line),
    });
    const emit = emitter(client, discord);
    try {
      emit(button('3000000000000000011', { id: EVE, name: 'eve' }, 'ack:media/jellyfin/unhealthy_service'));
      emit(button('3000000000000000012', { id: ALICE, name: 'alice' }, 'ack:media/jellyfin/unhealthy_service'));
      await until(() => discord.requests.length === 4);
      const summary = discord.requests.map((request) => [
        request.method,
        request.path.replace(/tok-\d+/, 'TOKEN'),
        request.body?.type ?? null,
        request.body?.data?.flags ?? request.body?.flags ?? null,
      ]);
      expect(summary.sort()).toEqual([
        ['PATCH', `/api/v10/webhooks/${APP}/TOKEN/messages/@original`, null, null],
        ['POST', '/api/v10/interactions/3000000000000000011/TOKEN/callback', 4, 64],
        ['POST', '/api/v10/interactions/3000000000000000012/TOKEN/callback', 6, null],
        ['POST', `/api/v10/webhooks/${APP}/TOKEN`, null, 64],
      ]);
      // The alert message: the Ack button disabled and saying who acknowledged; Silence and the link untouched.
      const update = discord.requests.find((request) => request.method === 'PATCH')!;
      expect(update.body.content).toBeUndefined();
      expect(update.body.components).toEqual([
        {
          type: 1,
          id: 1,
          components: [
            {
              type: 2,
              id: 2,
              style: 1,
              label: 'Acknowledged by alice',
              custom_id: 'ack:media/jellyfin/unhealthy_service',
              disabled: true,
            },
            { type: 2, id: 3, style: 2, label: 'Silence 1h', custom_id: 'silence1h:media/jellyfin/unhealthy_service' },
          ],
        },
        {
          type: 1,
          id: 4,
          components: [{ type: 2, id: 5, style: 5, label: 'Open dashboard', url: 'https://status.example.org' }],
        },
      ]);
      const answer = discord.requests.find(
        (request) => request.method === 'POST' && request.path.startsWith('/api/v10/webhooks/'),
      )!;
      expect(answer.body.content).toMatch(
        /^ack recorded as seq 1: media\/jellyfin\/unhealthy_service acknowledged\nCommitted [0-9a-f]{12} as alice\.$/,
      );
      const admin = (await readFile(path.join(repo, 'chronicle/admin.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(admin.map((line) => [line.action, line.fingerprint, line.actor])).toEqual([
        ['ack', 'media/jellyfin/unhealthy_service', `discord:alice (${ALICE})`],
      ]);
    } finally {
      await client.destroy();
    }
  });
});

describe('labwarden bot: the git layer', () => {
  const J = 'media/jellyfin/unhealthy_service';
  const silence = (target: string, duration: string) => [
    { type: 3, name: 'target', value: target },
    { type: 3, name: 'duration', value: duration },
  ];

  it('a lost push race: the event is appended again on the remote tail, the chain stays whole', async () => {
    const repo = await clonedHomelab();
    // Another operator's CLI pushes first, after the bot last pulled.
    const other = await tempDir('labwarden-other-');
    await git(other, 'clone', '-q', (await git(repo, 'remote', 'get-url', 'origin')).stdout.trim(), '.');
    await git(other, 'config', 'user.name', 'carol');
    await git(other, 'config', 'user.email', 'carol@example.invalid');
    await appendAdminEvent(
      other,
      { actor: 'carol', action: 'cordon', node: 'pi' },
      { now: Date.parse('2026-11-22T09:59:00Z') },
    );
    await git(other, 'commit', '-qam', 'admin: cordon pi');
    await git(other, 'push', '-q');
    const logs: string[] = [];
    const gitOps = { ...repoGitOps(repo), pull: async () => undefined };
    const client = createBotClient(config(), {
      repo,
      appender,
      git: gitOps,
      now: () => Date.parse('2026-11-22T10:00:00Z'),
      log: (line) => logs.push(line),
    });
    const emit = emitter(client, discord);
    try {
      emit(chatInput('3000000000000000021', { id: ALICE, name: 'alice' }, 'silence', silence(J, 'resolved')));
      await until(() => discord.requests.length === 2);
      const reply = discord.requests.find((request) => request.method === 'PATCH')!.body.content as string;
      // The re-append on the remote tail made it seq 2 (carol's cordon is seq 1).
      expect(reply).toMatch(
        new RegExp(
          `^silence recorded as seq 2 \\(re-appended after the remote's events\\): silenced \\{"fingerprint":"${J.replaceAll('/', '\\/')}"\\} until the incident resolves\\nCommitted [0-9a-f]{12} as alice\\.$`,
        ),
      );
      await git(repo, 'fetch', '-q');
      const { stdout: text } = await git(repo, 'show', 'origin/main:chronicle/admin.jsonl');
      const chain = foldAdminEvents(text);
      expect(chain.break).toBeUndefined();
      expect(chain.events.map((event) => [event.seq, event.actor, event.action, event.until ?? null])).toEqual([
        [1, 'carol', 'cordon', null],
        [2, `discord:alice (${ALICE})`, 'silence', 'resolved'],
      ]);
      const { stdout } = await git(repo, 'log', '--format=%an <%ae>|%s', 'origin/main');
      expect(stdout.trim().split('\n')).toEqual([
        `alice <${ALICE}@discord.invalid>|admin: silenced ${J} until resolved`,
        'carol <carol@example.invalid>|admin: cordon pi',
        'labwarden-bot <bot@example.invalid>|init',
      ]);
    } finally {
      await client.destroy();
    }
  });
});

describe('labwarden bot (CLI)', () => {
  it('reports every missing setting at once, exit 2, never echoing the token', async () => {
    const { runCli } = await import('./helpers/repo.js');
    const result = await runCli(['bot'], {
      env: { DISCORD_TOKEN: 'very-secret-token', DISCORD_APPLICATION_ID: '', DISCORD_GUILD_ID: 'abc' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: the bot is not configured: missing or invalid DISCORD_APPLICATION_ID (a numeric id), DISCORD_GUILD_ID (a numeric id)\nhint: Set them in the environment (Discord Developer Portal → your application).\n',
    );
    expect(result.stdout + result.stderr).not.toContain('very-secret-token');
  });

  it('takes ids of any length, and an unreachable Discord is exit 1 with a hint, not a bug report', async () => {
    const { runCli } = await import('./helpers/repo.js');
    const { createServer } = await import('node:net');
    // A port that was free a moment ago: nothing listens there now.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const result = await runCli(['bot'], {
      env: {
        DISCORD_TOKEN: 'very-secret-token',
        DISCORD_APPLICATION_ID: '1',
        DISCORD_GUILD_ID: '2',
        DISCORD_API_URL: `http://127.0.0.1:${port}/api`,
      },
    });
    expect(result.stderr).toBe(
      `error: cannot reach the Discord API: connect ECONNREFUSED 127.0.0.1:${port}\nhint: Check the network, or DISCORD_API_URL if it is set; then start the bot again.\n`,
    );
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).not.toContain('very-secret-token');
  });
});
