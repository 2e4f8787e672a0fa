import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveFingerprint } from '../src/notify/fingerprint-ref.js';
import { runNotify } from '../src/notify/run.js';
import { cycleCheck } from '../src/watchdog/checks.js';
import { runWatchdog } from '../src/watchdog/watch.js';
import { discordBotSink } from '../src/notify/sinks/discord-bot.js';
import { discordWebhookSink } from '../src/notify/sinks/discord-webhook.js';
import type { Sink } from '../src/notify/sinks/sink.js';
import { DiscordStandIn, refusal, WEBHOOK_ID, WEBHOOK_TOKEN, WEBHOOK_URL } from './helpers/discord-stand-in.js';
import { cleanupRepos, makeRepo, runCli } from './helpers/repo.js';

const CHANNEL = '222222222222222222';
const CHANNEL_PATH = `/api/v10/channels/${CHANNEL}/messages`;
const NOW = Date.parse('2026-11-22T10:05:00Z');
const noSleep = { sleep: async () => {}, backoffMs: 1 };

let discord: DiscordStandIn;
const sinks: Sink[] = [];
beforeEach(async () => {
  discord = await new DiscordStandIn().start();
});
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((sink) => sink.close()));
  expect(discord.unexpected).toEqual([]);
  await discord.stop();
});
afterAll(cleanupRepos);

const bot = () => {
  const sink = discordBotSink({ token: 'bot-token', channelId: CHANNEL, api: discord.api });
  sinks.push(sink);
  return sink;
};
const webhook = () => {
  const sink = discordWebhookSink({ id: WEBHOOK_ID, token: WEBHOOK_TOKEN, api: discord.api });
  sinks.push(sink);
  return sink;
};

/** 63 characters, the longest name PRODUCT.md allows. */
const long = (prefix: string) => prefix.padEnd(63, 'x');
function opened(id: string, node: string, service: string): string {
  return `${JSON.stringify({ id, at: '2026-11-22T10:01:00Z', event: 'opened', fingerprint: `${node}/${service}/unhealthy_service`, node, service, drift: 'unhealthy_service', severity: 'critical', recommendation: 'reconcile_required', action: 'redeploy', reason: 'status failed: HTTP 503 from /health' })}\n`;
}

/** `nodes` × `services` failing services, every name 63 characters. */
async function storm(
  nodes: number,
  services: number,
): Promise<{ repo: string; fingerprints: { fingerprint: string }[] }> {
  const files: Record<string, string> = { 'inventory/policy.yaml': 'dashboard_url: https://status.example.org\n' };
  let incidents = '';
  const fingerprints: { fingerprint: string }[] = [];
  for (let n = 0; n < nodes; n += 1) {
    const node = long(`node-${n}-`);
    const names = Array.from({ length: services }, (_, s) => long(`service-${s}-`));
    files[`inventory/hosts/${node}/services.yaml`] =
      `services:\n${names.map((name) => `  - name: ${name}\n`).join('')}`;
    for (const name of names) {
      incidents += opened(`i${n}-${name.slice(0, 12)}`, node, name);
      fingerprints.push({ fingerprint: `${node}/${name}/unhealthy_service` });
    }
  }
  files['chronicle/incidents.jsonl'] = incidents;
  return { repo: await makeRepo(files), fingerprints };
}

describe('the strict stand-in refuses what Discord refuses', () => {
  it('answers a custom_id of 102 characters with 400 50035, nested as Discord does', async () => {
    const response = await fetch(`${discord.api}/v10/channels/${CHANNEL}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        content: 'x',
        allowed_mentions: { parse: [] },
        components: [
          { type: 1, components: [{ type: 2, style: 1, label: 'Ack', custom_id: `silence1h:${'f'.repeat(92)}` }] },
        ],
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 50035,
      message: 'Invalid Form Body',
      errors: {
        components: {
          '0': {
            components: {
              '0': {
                custom_id: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' }] },
              },
            },
          },
        },
      },
    });
    expect(discord.refusals).toHaveLength(1);
    discord.refusals.splice(0);
  });

  it.each([
    ['content over 2,000', { content: 'x'.repeat(2001), allowed_mentions: { parse: [] } }, 'content'],
    [
      '11 embeds',
      { embeds: Array.from({ length: 11 }, () => ({ title: 't' })), allowed_mentions: { parse: [] } },
      'embeds',
    ],
    [
      'embeds over 6,000 in total',
      {
        embeds: [{ description: 'x'.repeat(4000) }, { description: 'x'.repeat(2001) }],
        allowed_mentions: { parse: [] },
      },
      'embeds',
    ],
    [
      'a button label over 80',
      {
        content: 'x',
        allowed_mentions: { parse: [] },
        components: [{ type: 1, components: [{ type: 2, style: 1, label: 'l'.repeat(81), custom_id: 'a' }] }],
      },
      'components',
    ],
    [
      '6 action rows',
      {
        content: 'x',
        allowed_mentions: { parse: [] },
        components: Array.from({ length: 6 }, (_, i) => ({
          type: 1,
          components: [{ type: 2, style: 1, label: 'l', custom_id: `a${i}` }],
        })),
      },
      'components',
    ],
    ['no allowed_mentions', { content: 'hello' }, 'allowed_mentions'],
  ])('%s', async (_name, body, key) => {
    const response = await fetch(`${discord.api}/v10/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(Object.keys(((await response.json()) as { errors: object }).errors)).toEqual([key]);
    expect(discord.refusals).toHaveLength(1);
    discord.refusals.splice(0);
  });
});

describe('zero lost alerts against the strict stand-in', () => {
  it('a storm of 200 failing services with 63-character names is delivered whole, buttons and all, through the bot and the webhook', async () => {
    const { repo, fingerprints } = await storm(10, 20);
    const run = await runNotify({ repo, now: NOW, sink: bot(), ...noSleep });
    expect(discord.refusals).toEqual([]);
    expect(run.report).toEqual({ delivered: [run.plan.messageKey], failed: [], deferred: [] });
    const sent = run.plan.decisions.filter((decision) => decision.decision === 'sent');
    expect(sent).toHaveLength(200);
    expect(new Set(sent.map((decision) => decision.message))).toEqual(new Set([run.plan.messageKey]));
    const body = discord.accepted(new RegExp(CHANNEL_PATH))[0]!.body;
    expect(body.content).toBe('labwarden: 200 active, 0 cleared');
    // Every button survives, its id within 100 characters and resolving to the fingerprint it is for.
    const ids = body.components
      .flatMap((row: any) => row.components)
      .filter((component: any) => component.custom_id)
      .map((component: any) => component.custom_id as string);
    expect(ids).toHaveLength(8);
    for (const id of ids) {
      expect(id.length).toBeLessThanOrEqual(100);
      expect(resolveFingerprint(id.split(':')[1]!, fingerprints)?.fingerprint).toMatch(
        /^node-0-x+\/service-\d+-x+\/unhealthy_service$/,
      );
    }
    // A fresh repo, the same storm, through the webhook (no buttons): accepted too.
    const again = await storm(10, 20);
    const hook = await runNotify({ repo: again.repo, now: NOW, sink: webhook(), ...noSleep });
    expect(hook.report!.delivered).toEqual([hook.plan.messageKey]);
    expect(discord.refusals).toEqual([]);
  });

  it('the storm resolving posts one grouped resolution and edits its live message, within the limits, no refusal', async () => {
    const { repo } = await storm(10, 20);
    const first = await runNotify({ repo, now: NOW, sink: bot(), ...noSleep });
    const file = path.join(repo, 'chronicle/incidents.jsonl');
    const open = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const resolved = open
      .map(
        (line) => `${JSON.stringify({ ...line, id: `r${line.id}`, at: '2026-11-22T10:07:00Z', event: 'resolved' })}\n`,
      )
      .join('');
    await appendFile(file, resolved);
    const later = await runNotify({ repo, now: NOW + 30 * 60_000, sink: bot(), ...noSleep });
    expect(later.plan.messageKey).not.toBeNull();
    const sent = later.plan.decisions.filter((decision) => decision.decision === 'sent');
    expect(sent.filter((decision) => decision.kind === 'resolved' && decision.via !== 'edit')).toHaveLength(200);
    expect(later.report!.failed).toEqual([]);
    expect([...later.report!.delivered].sort()).toEqual([later.plan.messageKey, later.plan.edits[0]!.key].sort());
    expect(discord.refusals).toEqual([]);
    expect(discord.posts()).toHaveLength(2);
    const [edit] = discord.edits();
    expect(edit!.body.content).toBe('labwarden: 0 active, 200 cleared');
    // No Ack / Silence buttons left, only the dashboard link.
    expect(edit!.body.components.flatMap((row: any) => row.components).map((button: any) => button.label)).toEqual([
      'Open dashboard',
    ]);
    expect(edit!.body.embeds[0].footer.text).toBe(`labwarden · ${first.plan.messageKey}`);
  });

  it('a body Discord refuses once is reshaped (no buttons, shorter text), delivered, logged as such, and not sent again', async () => {
    const { repo } = await storm(1, 2);
    discord.script(
      'POST',
      /\/channels\/\d+\/messages$/,
      refusal({ components: { _errors: [{ code: 'UNKNOWN', message: 'refused for a reason we did not foresee' }] } }),
    );
    const run = await runNotify({ repo, now: NOW, sink: bot(), ...noSleep });
    expect(run.report!.delivered).toEqual([run.plan.messageKey]);
    expect(run.report!.reshaped).toEqual([
      {
        message: run.plan.messageKey,
        step: 'plain',
        reason: expect.stringContaining(
          'Discord refused the message: 400 Invalid Form Body; components[UNKNOWN]: refused for a reason we did not foresee',
        ),
      },
    ]);
    const posts = discord.requests.filter((request) => request.path === CHANNEL_PATH);
    expect(posts.map((request) => [request.status, Boolean(request.body.components)])).toEqual([
      [400, true],
      [200, false],
    ]);
    expect(posts[1]!.body.embeds[0].description).toContain('opened');
    expect(posts[1]!.body.content).toContain('shortened: Discord refused the full message');
    const log = (await readFile(path.join(repo, 'chronicle/notifications.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(log.at(-1)).toMatchObject({
      type: 'outbox',
      state: 'delivered',
      message: run.plan.messageKey,
      reshaped: 'plain',
    });
    const next = await runNotify({ repo, now: NOW + 300_000, sink: bot(), ...noSleep });
    expect(next.report).toEqual({ delivered: [], failed: [], deferred: [] });
    expect(discord.requests.filter((request) => request.path === CHANNEL_PATH)).toHaveLength(2);
  });

  it('refused twice: plain text still goes out; refused in every form: failed, with the reason, never marked delivered', async () => {
    const { repo } = await storm(1, 1);
    const no = refusal({ embeds: { _errors: [{ code: 'X', message: 'no' }] } });
    discord.script('POST', /\/channels\/\d+\/messages$/, no, no);
    const twice = await runNotify({ repo, now: NOW, sink: bot(), ...noSleep });
    expect(twice.report!.reshaped?.map((entry) => entry.step)).toEqual(['text']);
    const text = discord.accepted(new RegExp(CHANNEL_PATH))[0]!.body;
    expect(text.embeds).toEqual([]);
    expect(text.content).toMatch(
      /^labwarden: 1 active, 0 cleared\n\*\*node\\-0\\-x+: 1 alert\*\*\n🔴 \*\*opened\*\* service\\-0\\-x+/,
    );

    const other = await storm(1, 1);
    discord.script('POST', /\/channels\/\d+\/messages$/, no, no, no);
    const never = await runNotify({ repo: other.repo, now: NOW, sink: bot(), ...noSleep });
    expect(never.report!.delivered).toEqual([]);
    expect(never.report!.failed).toEqual([
      {
        message: never.plan.messageKey,
        reason: expect.stringMatching(
          /^refused in every form \(Discord refused the message: 400 .*\); last: Discord refused/,
        ),
      },
    ]);
  });

  it('CLI: with both a webhook and a bot token the bot posts (buttons need it); a reshaped delivery warns, exit 0; refused in every form is exit 4', async () => {
    const { repo } = await storm(1, 1);
    const env = {
      DISCORD_WEBHOOK_URL: WEBHOOK_URL,
      DISCORD_TOKEN: 'bot-token',
      DISCORD_CHANNEL_ID: CHANNEL,
      DISCORD_API_URL: discord.api,
    };
    discord.script(
      'POST',
      /\/channels\/\d+\/messages$/,
      refusal({ components: { _errors: [{ code: 'X', message: 'no' }] } }),
    );
    const result = await runCli(['notify', '--repo', repo, '--now', '2026-11-22T10:05:00Z'], { env });
    expect(result.stdout.trim()).toBe('notify (discord-bot): 1 delivered, 0 pending, 0 refused; 1 decision logged');
    expect(result.stderr).toMatch(
      /^warning: message \S+ delivered only in a shortened form \(plain\): Discord refused the message: 400 Invalid Form Body/,
    );
    expect(result.code).toBe(0);
    expect(discord.requests.map((request) => [request.method, request.path, request.status])).toEqual([
      ['POST', CHANNEL_PATH, 400],
      ['POST', CHANNEL_PATH, 200],
    ]);

    const other = await storm(1, 1);
    const no = refusal({ content: { _errors: [{ code: 'X', message: 'no' }] } });
    discord.script('POST', /\/channels\/\d+\/messages$/, no, no, no);
    const failed = await runCli(['notify', '--repo', other.repo, '--now', '2026-11-22T10:05:00Z'], { env });
    expect(failed.stderr).toMatch(/^error: message \S+ not delivered: refused in every form/);
    expect(failed.code).toBe(4);
  });

  it("the watchdog's alert is reshaped too when Discord refuses its body, and remembered once delivered", async () => {
    const repo = await makeRepo({ 'inventory/policy.yaml': '' });
    discord.script('POST', /\/webhooks\//, refusal({ embeds: { _errors: [{ code: 'X', message: 'no' }] } }));
    const result = await runWatchdog({
      repo,
      watcher: 'runner',
      checks: [cycleCheck('reconcile cycle', 'git push: rejected')],
      now: NOW,
      sink: webhook(),
    });
    expect(result.delivered).toBe(true);
    expect(discord.requests.map((request) => [request.status, request.body.embeds.length > 0])).toEqual([
      [400, true],
      [200, true],
    ]);
    expect(discord.requests[1]!.body.content).toContain('shortened: Discord refused the full message');
    const again = await runWatchdog({
      repo,
      watcher: 'runner',
      checks: [cycleCheck('reconcile cycle', 'git push: rejected')],
      now: NOW + 300_000,
      sink: webhook(),
    });
    expect(again.alerts).toEqual([]);
    expect(discord.requests).toHaveLength(2);
  });
});
