import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordGateway } from './helpers/discord-gateway.js';
import { DiscordStandIn } from './helpers/discord-stand-in.js';
import { ALICE, APP, chatInput, clonedHomelab, git, GUILD, until } from './helpers/discord-interactions.js';
import { CLI, cleanupRepos } from './helpers/repo.js';

// `labwarden bot` as an operator runs it: a real process, logged in over a (local) gateway,
// from registration to SIGTERM, one slash command end to end.
let discord: DiscordStandIn;
let gateway: DiscordGateway;
beforeEach(async () => {
  discord = await new DiscordStandIn().start();
  gateway = await new DiscordGateway(discord, { id: APP, guild: { id: GUILD, name: 'homelab' } }).start();
  discord.route('GET', /^\/api\/v10\/guilds\/\d+$/, () => ({ status: 200, body: { id: GUILD, name: 'homelab' } }));
});
afterEach(async () => {
  await gateway.stop();
  expect(discord.unexpected).toEqual([]);
  await discord.stop();
});
afterAll(cleanupRepos);

describe('labwarden bot (a real process against the gateway and REST stand-ins)', () => {
  it('logs in, pushes a /cordon as the operator, and exits 0 on SIGTERM after a clean disconnect', async () => {
    const repo = await clonedHomelab();
    const token = 'secret-bot-token';
    const env = {
      ...process.env,
      NO_COLOR: '1',
      DISCORD_TOKEN: token,
      DISCORD_APPLICATION_ID: APP,
      DISCORD_GUILD_ID: GUILD,
      DISCORD_API_URL: discord.api,
    };
    const child = spawn(process.execPath, [CLI, 'bot', '--repo', repo], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await until(() => output.includes('bot ready as labwarden'), 30_000);
      expect(gateway.isReady()).toBe(true);
      expect(gateway.received.find((payload) => payload.op === 2)!.d).toMatchObject({ token, intents: 1 });
      gateway.interaction(
        chatInput('6000000000000000001', { id: ALICE, name: 'alice' }, 'cordon', [
          { type: 3, name: 'node', value: 'media' },
        ]),
      );
      const ofCordon = () => discord.requests.filter((request) => request.path.includes('tok-6000000000000000001'));
      await until(() => ofCordon().some((request) => request.method === 'PATCH'), 30_000);
      expect(ofCordon().map((request) => [request.method, request.status])).toEqual([
        ['POST', 204],
        ['PATCH', 200],
      ]);
      expect(ofCordon()[1]!.body.content).toMatch(
        /^media: cordon recorded as seq 1.*\nCommitted [0-9a-f]{12} as alice\.$/s,
      );
      const { stdout } = await git(repo, 'log', '--format=%an <%ae>|%s', 'origin/main', '-1');
      expect(stdout.trim()).toBe(`alice <${ALICE}@discord.invalid>|admin: cordon media`);
      const origin = (await git(repo, 'remote', 'get-url', 'origin')).stdout.trim();
      expect((await git(origin, 'log', '--format=%s', '-1', 'main')).stdout.trim()).toBe('admin: cordon media');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toMatch(/stopping: disconnecting from Discord/);
    expect(gateway.closes).toContain(1000);
    expect(output).not.toContain(token);
    expect(discord.requests.map((request) => `${request.method} ${request.path}`).slice(0, 3)).toEqual([
      `GET /api/v10/guilds/${GUILD}`,
      `PUT /api/v10/applications/${APP}/guilds/${GUILD}/commands`,
      'GET /api/v10/gateway/bot',
    ]);
  }, 60_000);
});
