import { readFile, appendFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runNotify } from '../src/notify/run.js';
import { appendAdminEvent } from '../src/maintenance/append.js';
import { discordWebhookSink } from '../src/notify/sinks/discord-webhook.js';
import { discordBotSink } from '../src/notify/sinks/discord-bot.js';
import type { Sink } from '../src/notify/sinks/sink.js';
import { cleanupRepos, makeRepo, runCli } from './helpers/repo.js';
import { DiscordStandIn, WEBHOOK_ID, WEBHOOK_TOKEN, WEBHOOK_URL } from './helpers/discord-stand-in.js';

const J = 'media/jellyfin/unhealthy_service';
function incident(
  id: string,
  at: string,
  event: string,
  fingerprint: string,
  severity = 'warning',
  extra: Record<string, unknown> = {},
): string {
  const [node, service, drift] = fingerprint.split('/');
  return `${JSON.stringify({ id, at, event, fingerprint, node, service, drift, severity, recommendation: 'reconcile_required', action: 'redeploy', reason: 'status failed: HTTP 503', ...extra })}\n`;
}
async function homelab(incidents: string, policy = ''): Promise<string> {
  return makeRepo({
    'inventory/policy.yaml': `dashboard_url: https://status.example.org\n${policy}`,
    'inventory/hosts/media/services.yaml': 'services:\n  - name: jellyfin\n  - name: sonarr\n',
    'inventory/hosts/pi/services.yaml': 'services:\n  - name: pihole\n',
    'chronicle/incidents.jsonl': incidents,
  });
}
async function logLines(repo: string): Promise<any[]> {
  const text = await readFile(path.join(repo, 'chronicle/notifications.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

let discord: DiscordStandIn;
let sinks: Sink[] = [];
const WEBHOOK_PATH = `/api/v10/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}`;
beforeEach(async () => {
  discord = await new DiscordStandIn().start();
});
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((sink) => sink.close()));
  expect(discord.unexpected).toEqual([]);
  await discord.stop();
});
afterAll(cleanupRepos);

function webhook(): Sink {
  const sink = discordWebhookSink({ id: WEBHOOK_ID, token: WEBHOOK_TOKEN, api: discord.api });
  sinks.push(sink);
  return sink;
}
const noSleep = { sleep: async () => {}, backoffMs: 1 };

describe('notify through the Discord webhook stand-in', () => {
  it('posts exactly one grouped message with empty allowed_mentions, then nothing on the next run', async () => {
    const repo = await homelab(
      incident('a1', '2026-11-22T10:01:00Z', 'opened', J) +
        incident('a2', '2026-11-22T10:02:00Z', 'opened', 'pi/pihole/unhealthy_service', 'critical'),
    );
    const first = await runNotify({ repo, now: Date.parse('2026-11-22T10:05:00Z'), sink: webhook(), ...noSleep });
    expect(first.report).toEqual({ delivered: [first.plan.messageKey], failed: [], deferred: [] });
    expect(discord.requests.map((request) => `${request.method} ${request.path}${request.query}`)).toEqual([
      `POST ${WEBHOOK_PATH}?wait=true`,
    ]);
    const body = discord.requests[0]!.body;
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds.map((embed: any) => [embed.title, embed.color, embed.url])).toEqual([
      ['media: 1 alert', 0xf1c40f, 'https://status.example.org'],
      ['pi: 1 alert', 0xe74c3c, 'https://status.example.org'],
    ]);
    expect(body.embeds[0].description).toBe(
      '🟠 **opened** jellyfin unhealthy\\_service (warning) → reconcile\\_required: redeploy — status failed\\: HTTP 503',
    );
    expect(body.embeds[0].footer.text).toBe(`labwarden · ${first.plan.messageKey}`);
    const second = await runNotify({ repo, now: Date.parse('2026-11-22T10:10:00Z'), sink: webhook(), ...noSleep });
    expect(second.plan.messageKey).toBeNull();
    expect(discord.requests).toHaveLength(1);
    expect(
      (await logLines(repo)).map(
        (line) => `${line.type} ${line.decision ?? line.state} ${line.fingerprint ?? line.message}`,
      ),
    ).toEqual([
      `decision sent ${J}`,
      'decision sent pi/pihole/unhealthy_service',
      `outbox queued ${first.plan.messageKey}`,
      `outbox delivered ${first.plan.messageKey}`,
    ]);
  });

  it('holds a node in maintenance while it drains, and announces its incidents once the drain failed (drain_timeout)', async () => {
    const repo = await makeRepo({
      'inventory/hosts/media/services.yaml': 'services:\n  - name: jellyfin\n    failover: [pi]\n',
      'inventory/hosts/pi/services.yaml': 'services:\n  - name: pihole\n',
      'chronicle/incidents.jsonl': incident('a1', '2026-11-22T10:01:00Z', 'opened', J),
    });
    await appendAdminEvent(
      repo,
      { actor: 'alice', action: 'enter_maintenance', node: 'media', reason: 'disk' },
      { now: Date.parse('2026-11-22T10:00:00Z') },
    );
    const draining = await runNotify({ repo, now: Date.parse('2026-11-22T10:05:00Z'), sink: webhook(), ...noSleep });
    expect(draining.plan.messageKey).toBeNull();
    expect(discord.requests).toEqual([]);
    // jellyfin never showed up on pi: at 11:00 (drain_timeout 1h) the drain failed; media alerts again.
    const failed = await runNotify({ repo, now: Date.parse('2026-11-22T11:05:00Z'), sink: webhook(), ...noSleep });
    expect(failed.report?.delivered).toEqual([failed.plan.messageKey]);
    expect(discord.requests).toHaveLength(1);
    expect(discord.requests[0]!.body.embeds[0].title).toBe('media: 1 alert');
  });

  it('one rule for a half-written last line: skipped in incidents.jsonl, cut from its own log before appending', async () => {
    const half = '{"id":"a9","at":"2026-11-22T10:03:00Z","event":"open';
    const repo = await homelab(incident('a1', '2026-11-22T10:01:00Z', 'opened', J) + half);
    // A complete last line without its newline, then an interrupted append after it.
    const done = JSON.stringify({
      id: 'n0',
      at: '2026-11-22T09:00:00Z',
      type: 'outbox',
      state: 'delivered',
      message: 'old',
    });
    await appendFile(path.join(repo, 'chronicle/notifications.jsonl'), `${done}\n{"id":"n1","at":"2026-11-22T09:0`);
    const run = await runNotify({ repo, now: Date.parse('2026-11-22T10:05:00Z'), sink: webhook(), ...noSleep });
    expect(run.report?.delivered).toEqual([run.plan.messageKey]);
    expect(run.plan.items.map((item) => item.fingerprint)).toEqual([J]);
    const lines = await logLines(repo);
    expect(lines[0]).toEqual(JSON.parse(done));
    expect(lines.slice(1).map((line) => line.type)).toContain('outbox');
  });

  it('honours 429 Retry-After through the outbox, not a blocked REST queue', async () => {
    const repo = await homelab(incident('a1', '2026-11-22T10:01:00Z', 'opened', J));
    discord.script('POST', /webhooks/, {
      status: 429,
      headers: { 'retry-after': '3' },
      body: { message: 'You are being rate limited.', retry_after: 3, global: false },
    });
    const slept: number[] = [];
    const run = await runNotify({
      repo,
      now: Date.parse('2026-11-22T10:05:00Z'),
      sink: webhook(),
      sleep: async (ms) => void slept.push(ms),
    });
    expect(slept).toEqual([3050]);
    expect(run.report!.delivered).toEqual([run.plan.messageKey]);
    expect(discord.requests.map((request) => request.status)).toEqual([429, 200]);
  });

  it('survives a 500 outage across runs: nothing lost, nothing duplicated, order kept', async () => {
    const repo = await homelab(incident('a1', '2026-11-22T10:01:00Z', 'opened', J));
    const outage = { status: 500, body: { message: 'Internal Server Error' } };
    discord.script('POST', /webhooks/, outage, outage, outage, outage, outage, outage);
    const first = await runNotify({
      repo,
      now: Date.parse('2026-11-22T10:05:00Z'),
      sink: webhook(),
      maxAttempts: 3,
      ...noSleep,
    });
    expect(first.report!.deferred.map((entry) => entry.message)).toEqual([first.plan.messageKey]);
    await appendFile(
      path.join(repo, 'chronicle/incidents.jsonl'),
      incident('a2', '2026-11-22T10:07:00Z', 'resolved', J),
    );
    const second = await runNotify({
      repo,
      now: Date.parse('2026-11-22T10:15:00Z'),
      sink: webhook(),
      maxAttempts: 3,
      ...noSleep,
    });
    // The resolution posts, and edits the (still undelivered) live message: both wait behind its post.
    expect(second.plan.messageKey).not.toBeNull();
    const edit = second.plan.edits[0]!;
    expect(edit.target).toBe(first.plan.messageKey);
    const order = [first.plan.messageKey, second.plan.messageKey, edit.key];
    expect(second.report!.deferred.map((entry) => entry.message)).toEqual(order);
    const third = await runNotify({
      repo,
      now: Date.parse('2026-11-22T10:25:00Z'),
      sink: webhook(),
      maxAttempts: 3,
      ...noSleep,
    });
    expect(third.report!.delivered).toEqual(order);
    expect(third.report!.edited).toEqual([edit.key]);
    expect(discord.posts().map((request) => request.body.embeds[0].description.split(' ')[1])).toEqual([
      '**opened**',
      '**resolved**',
    ]);
    const [patch] = discord.edits();
    expect(patch!.path).toBe(`${WEBHOOK_PATH}/messages/${[...discord.messages.keys()][0]}`);
    expect(patch!.body.embeds[0].description.split(' ')[1]).toBe('**resolved**');
    expect(patch!.body.allowed_mentions).toEqual({ parse: [] });
    expect(discord.requests.map((request) => `${request.method} ${request.status}`)).toEqual([
      ...Array(6).fill('POST 500'),
      'POST 200',
      'POST 200',
      'PATCH 200',
    ]);
    const fourth = await runNotify({ repo, now: Date.parse('2026-11-22T10:30:00Z'), sink: webhook(), ...noSleep });
    expect(fourth.report).toEqual({ delivered: [], failed: [], deferred: [] });
  });

  it('a deleted webhook (404) never marks the alert done: it stays in the outbox, every run retries, delivered once fixed', async () => {
    const repo = await homelab(incident('a1', '2026-11-22T10:01:00Z', 'opened', J));
    const gone = { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    discord.script('POST', /webhooks/, gone, gone);
    const run = await runNotify({ repo, now: Date.parse('2026-11-22T10:05:00Z'), sink: webhook(), ...noSleep });
    expect(run.report!.failed).toEqual([]);
    expect(run.report!.deferred).toEqual([
      {
        message: run.plan.messageKey,
        reason: expect.stringContaining('Discord refused the message: 404 Unknown Webhook'),
      },
    ]);
    const again = await runNotify({ repo, now: Date.parse('2026-11-22T10:10:00Z'), sink: webhook(), ...noSleep });
    expect(again.report!.deferred.map((entry) => entry.message)).toEqual([run.plan.messageKey]);
    // One try per run (no retry helps a 404 within a run), and no "failed" line in the log.
    expect(discord.requests.map((request) => request.status)).toEqual([404, 404]);
    expect((await logLines(repo)).filter((line) => line.state === 'failed')).toEqual([]);
    const fixed = await runNotify({ repo, now: Date.parse('2026-11-22T10:15:00Z'), sink: webhook(), ...noSleep });
    expect(fixed.report!.delivered).toEqual([run.plan.messageKey]);
    expect(discord.posts()).toHaveLength(1);
  });

  it('a crash between sending and marking delivered is deduplicated by the bot nonce', async () => {
    const repo = await homelab(incident('a1', '2026-11-22T10:01:00Z', 'opened', J));
    const bot = discordBotSink({ token: 'bot-token', channelId: '222222222222222222', api: discord.api });
    sinks.push(bot);
    // Crash: the post reaches Discord, but the process dies before "delivered" is logged.
    const crashing: Sink = {
      ...bot,
      send: async (payload, key) => (await bot.send(payload, key), { status: 'retry', reason: 'crashed' }),
    };
    const first = await runNotify({
      repo,
      now: Date.parse('2026-11-22T10:05:00Z'),
      sink: crashing,
      maxAttempts: 1,
      ...noSleep,
    });
    const second = await runNotify({ repo, now: Date.parse('2026-11-22T10:10:00Z'), sink: bot, ...noSleep });
    expect(second.report!.delivered).toEqual([first.plan.messageKey]);
    const posts = discord.requests.filter(
      (request) => request.path === '/api/v10/channels/222222222222222222/messages',
    );
    expect(posts.map((request) => [request.authorization, request.body.nonce, request.body.enforce_nonce])).toEqual([
      ['Bot bot-token', first.plan.messageKey, true],
      ['Bot bot-token', first.plan.messageKey, true],
    ]);
    expect(new Set(posts.map((request) => request.body.nonce)).size).toBe(1);
    expect(posts[0]!.body.components[0].components.map((button: any) => button.custom_id)).toEqual([
      `ack:${J}`,
      `silence1h:${J}`,
    ]);
  });
});

describe('labwarden notify (CLI)', () => {
  it('--dry-run shows the exact payload and writes nothing', async () => {
    const repo = await homelab(incident('a1', '2026-11-22T10:01:00Z', 'opened', J));
    const result = await runCli(['notify', '--repo', repo, '--now', '2026-11-22T10:05:00Z', '--dry-run'], {
      env: { DISCORD_WEBHOOK_URL: '', DISCORD_TOKEN: '' },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'dry run (console): 1 alert in 1 message; 0 suppressed or held; 0 queued from earlier runs',
    );
    expect(result.stdout).toContain('"allowed_mentions": {\n    "parse": []\n  }');
    await expect(readFile(path.join(repo, 'chronicle/notifications.jsonl'), 'utf8')).rejects.toThrow();
  });

  it('delivers through DISCORD_WEBHOOK_URL redirected by DISCORD_API_URL, exit 4 while Discord is down', async () => {
    const repo = await homelab(incident('a1', '2026-11-22T10:01:00Z', 'opened', J));
    discord.script('POST', /webhooks/, { status: 502, body: { message: 'Bad Gateway' } });
    const env = { DISCORD_WEBHOOK_URL: WEBHOOK_URL, DISCORD_API_URL: discord.api };
    const down = await runCli(['notify', '--repo', repo, '--now', '2026-11-22T10:05:00Z', '--attempts', '1'], { env });
    expect(down.code).toBe(4);
    expect(down.stderr).toMatch(/still pending \(Discord answered 502\); the next run retries it/);
    discord.requests.splice(0);
    const up = await runCli(['notify', '--repo', repo, '--now', '2026-11-22T10:10:00Z'], { env });
    expect(up.stdout.trim()).toBe('notify (discord-webhook): 1 delivered, 0 pending, 0 refused; 0 decisions logged');
    expect(up.code).toBe(0);
    expect(discord.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
      `POST ${WEBHOOK_PATH} 200`,
    ]);
  });

  it.each([
    [
      'a discord.com URL with a short id and token, redirected by DISCORD_API_URL',
      (api: string) => ({
        DISCORD_WEBHOOK_URL: 'https://discord.com/api/webhooks/42/test-token',
        DISCORD_API_URL: api,
      }),
    ],
    [
      'a webhook URL on the stand-in itself, no DISCORD_API_URL',
      (api: string) => ({ DISCORD_WEBHOOK_URL: `${api}/webhooks/42/test-token`, DISCORD_API_URL: '' }),
    ],
  ])('delivers through %s', async (_name, env) => {
    const repo = await homelab(incident('a1', '2026-11-22T10:01:00Z', 'opened', J));
    const result = await runCli(['notify', '--repo', repo, '--now', '2026-11-22T10:05:00Z'], { env: env(discord.api) });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('notify (discord-webhook): 1 delivered, 0 pending, 0 refused; 1 decision logged');
    expect(result.code).toBe(0);
    expect(discord.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
      'POST /api/v10/webhooks/42/test-token 200',
    ]);
  });

  it('refuses a DISCORD_WEBHOOK_URL that is no webhook URL with exit 2, without printing it', async () => {
    const repo = await homelab(incident('a1', '2026-11-22T10:01:00Z', 'opened', J));
    const result = await runCli(['notify', '--repo', repo, '--now', '2026-11-22T10:05:00Z'], {
      env: { DISCORD_WEBHOOK_URL: 'https://discord.com/api/channels/42/secret-token', DISCORD_API_URL: discord.api },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: DISCORD_WEBHOOK_URL is not a Discord webhook URL');
    expect(result.stdout + result.stderr).not.toContain('secret-token');
    expect(discord.requests).toEqual([]);
  });
});
