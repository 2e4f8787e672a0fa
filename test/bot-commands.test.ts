import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultAppender as appender } from '../src/bot/admin-appender.js';
import { repoGitOps } from '../src/bot/persist.js';
import { botConfig, createBotClient } from '../src/bot/run.js';
import { appendAdminEvent } from '../src/maintenance/append.js';
import { DiscordStandIn } from './helpers/discord-stand-in.js';
import {
  ALICE,
  APP,
  autocomplete,
  chatInput,
  clonedHomelab,
  emitter,
  EVE,
  git,
  GUILD,
  OPS_ROLE,
  until,
} from './helpers/discord-interactions.js';
import { cleanupRepos } from './helpers/repo.js';

// /help, /status with maintenance and silences, /unsilence, /silence's preset durations:
// every request meets the strict stand-in.
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

const NOW = Date.parse('2026-11-22T10:00:00Z');
const alice = { id: ALICE, name: 'alice' };
const eve = { id: EVE, name: 'eve' };
const ofInteraction = (id: string) => discord.requests.filter((request) => request.path.includes(`tok-${id}`));
const STATUS = JSON.stringify({
  summary: 'degraded',
  nodes: {
    media: {
      maintenance: { state: 'Maintenance', since: '2026-11-22T08:00:00Z', actor: 'carol', reason: 'disk swap' },
    },
    pi: {},
  },
});

/** A homelab where media is in maintenance (status/) and pi is silenced for an hour (the admin chain). */
async function homelab(): Promise<string> {
  const repo = await clonedHomelab({ 'status/recommendations.json': STATUS });
  await appendAdminEvent(
    repo,
    {
      actor: 'carol',
      action: 'silence',
      node: 'pi',
      matcher: { node: 'pi' },
      until: '2026-11-22T11:00:00Z',
      reason: 'rewiring',
    },
    { now: NOW - 60_000 },
  );
  await git(repo, 'commit', '-qam', 'admin: silence pi');
  await git(repo, 'push', '-q');
  return repo;
}

function startBot(repo: string) {
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
    log: () => undefined,
  });
  return { client, emit: emitter(client, discord) };
}

describe('bot commands', () => {
  it('/help answers only the asker, listing commands and who may use them; /status lists maintenance and silences', async () => {
    const repo = await homelab();
    const { client, emit } = startBot(repo);
    try {
      emit(chatInput('7000000000000000001', eve, 'help', []));
      emit(chatInput('7000000000000000002', eve, 'status', []));
      await until(() =>
        ['7000000000000000001', '7000000000000000002'].every((id) =>
          ofInteraction(id).some((request) => request.method === 'PATCH'),
        ),
      );
      const [helpAck, help] = ofInteraction('7000000000000000001');
      expect([helpAck!.body.type, helpAck!.body.data.flags]).toEqual([5, 64]);
      expect(ofInteraction('7000000000000000001')).toHaveLength(2); // edited in place: no follow-up, nothing deleted
      const text = help!.body.content as string;
      expect(text).toContain(
        '**Everyone** may use:\n• `/status` — summary, nodes, maintenance and silences in force\n• `/incidents` — open incidents\n• `/help`',
      );
      expect(text).toContain(`**Operators** (<@${ALICE}>, <@&${OPS_ROLE}>) may also use:\n• \`/maintenance\``);
      expect(text).toContain('• `/unsilence` — lift a silence before it ends');
      expect(help!.body.allowed_mentions).toEqual({ parse: [] });

      const [statusAck, status] = ofInteraction('7000000000000000002');
      expect(statusAck!.body.data.flags ?? 0).toBe(0);
      expect(status!.body.content).toBe(
        [
          'Summary: **degraded**',
          '• **media** (Maintenance since 2026-11-22T08:00:00Z by carol): 1 open incident',
          '• **pi**: no open incidents',
          'Silences in force (1):',
          '• `pi` until 2026-11-22T11:00:00Z, by carol — rewiring',
        ].join('\n'),
      );
    } finally {
      await client.destroy();
    }
  });

  it('/silence offers preset durations and takes a typed one; /unsilence offers the silences in force and lifts one', async () => {
    const repo = await homelab();
    const { client, emit } = startBot(repo);
    const choices = (id: string) => ofInteraction(id)[0]!.body.data.choices;
    try {
      emit(autocomplete('7000000000000000011', alice, 'silence', 'duration', ''));
      emit(autocomplete('7000000000000000012', alice, 'silence', 'duration', '90m'));
      emit(autocomplete('7000000000000000013', alice, 'unsilence', 'target', ''));
      await until(() =>
        ['7000000000000000011', '7000000000000000012', '7000000000000000013'].every(
          (id) => ofInteraction(id).length === 1,
        ),
      );
      expect(choices('7000000000000000011')).toEqual([
        { name: '15 minutes', value: '15m' },
        { name: '1 hour', value: '1h' },
        { name: '4 hours', value: '4h' },
        { name: '1 day', value: '1d' },
        { name: '1 week', value: '1w' },
        { name: 'until the incident resolves', value: 'resolved' },
      ]);
      expect(choices('7000000000000000012')).toEqual([{ name: '90m', value: '90m' }]);
      expect(choices('7000000000000000013')).toEqual([{ name: 'pi', value: 'pi' }]);

      emit(chatInput('7000000000000000014', alice, 'unsilence', [{ type: 3, name: 'target', value: 'pi' }]));
      await until(() => ofInteraction('7000000000000000014').some((request) => request.method === 'PATCH'));
      expect(ofInteraction('7000000000000000014').at(-1)!.body.content).toMatch(
        /^unsilence recorded as seq 2: lifted silences matching \{"node":"pi"\}\nCommitted [0-9a-f]{12} as alice\.$/,
      );
      expect((await git(repo, 'log', '-1', '--format=%s', 'origin/main')).stdout.trim()).toBe(
        'admin: lifted the silence on pi',
      );

      emit(chatInput('7000000000000000015', alice, 'unsilence', [{ type: 3, name: 'target', value: 'pi' }]));
      await until(() => ofInteraction('7000000000000000015').some((request) => request.method === 'DELETE'));
      const [, answer] = ofInteraction('7000000000000000015');
      expect([answer!.body.flags, answer!.body.content]).toEqual([
        64,
        'No silence in force for "pi". /status lists the silences in force.',
      ]);
    } finally {
      await client.destroy();
    }
  });
});
