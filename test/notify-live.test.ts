import { appendFile, cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAdminEvent } from '../src/maintenance/append.js';
import { runNotify } from '../src/notify/run.js';
import { discordBotSink } from '../src/notify/sinks/discord-bot.js';
import { discordWebhookSink } from '../src/notify/sinks/discord-webhook.js';
import type { Sink } from '../src/notify/sinks/sink.js';
import { DiscordStandIn, WEBHOOK_ID, WEBHOOK_TOKEN, WEBHOOK_URL } from './helpers/discord-stand-in.js';
import { cleanupRepos, makeRepo, runCli, tempDir } from './helpers/repo.js';

// One live message per alert group, against the strict stand-in: openings and reminders post,
// every later transition of the same incidents edits that message (PATCH, notifies nobody).
const CHANNEL = '222222222222222222';
const J = 'media/jellyfin/unhealthy_service';
const P = 'pi/pihole/unhealthy_service';
const at = (minute: number) => Date.parse('2026-11-22T10:00:00Z') + minute * 60_000;
const iso = (minute: number) => new Date(at(minute)).toISOString().replace('.000Z', 'Z');
const noSleep = { sleep: async () => {}, backoffMs: 1 };

function incident(id: string, minute: number, event: string, fingerprint: string, severity = 'warning'): string {
  const [node, service, drift] = fingerprint.split('/');
  const line = {
    id,
    at: iso(minute),
    event,
    fingerprint,
    node,
    service,
    drift,
    severity,
    recommendation: 'reconcile_required',
    action: 'redeploy',
    reason: 'HTTP 503',
  };
  return `${JSON.stringify(line)}\n`;
}
async function homelab(incidents: string): Promise<string> {
  return makeRepo({
    'inventory/hosts/media/services.yaml': 'services:\n  - name: jellyfin\n',
    'inventory/hosts/pi/services.yaml': 'services:\n  - name: pihole\n',
    'chronicle/incidents.jsonl': incidents,
  });
}
const chronicle = (repo: string, lines: string) => appendFile(path.join(repo, 'chronicle/incidents.jsonl'), lines);
async function log(repo: string): Promise<any[]> {
  return (await readFile(path.join(repo, 'chronicle/notifications.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

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
/** The first word after the icon of each line of a message as it stands now (e.g. **opened**). */
const shown = (message: any) =>
  message.embeds.flatMap((embed: any) =>
    embed.description.split('\n').map((line: string) => line.split(' ').slice(1).join(' ')),
  );
const lines = (message: any) => shown(message).map((line: string) => line.replace(/ → \S+ \S+/, ''));

describe('one live message per alert group', () => {
  it('posts the opening; escalation, ack, silence and resolution edit it; the resolution also posts; buttons go when resolved', async () => {
    const repo = await homelab(incident('a1', 1, 'opened', J));
    const run = (minute: number) => runNotify({ repo, now: at(minute), sink: bot(), ...noSleep });
    const first = await run(5);
    expect(discord.posts()).toHaveLength(1);
    const id = [...discord.messages.keys()][0]!;
    await chronicle(repo, incident('a2', 8, 'escalated', J, 'critical'));
    const escalated = await run(10);
    expect(escalated.plan.messageKey).toBeNull();
    expect(escalated.report!.edited).toEqual([escalated.plan.edits[0]!.key]);
    expect(lines(discord.messages.get(id))).toEqual([
      '**escalated** jellyfin unhealthy\\_service (critical) — HTTP 503',
    ]);
    await appendAdminEvent(repo, { actor: 'alice', action: 'ack', fingerprint: J }, { now: at(12) });
    await run(15);
    expect(lines(discord.messages.get(id))).toEqual([
      '**escalated** jellyfin unhealthy\\_service (critical) · acknowledged — HTTP 503',
    ]);
    await appendAdminEvent(
      repo,
      { actor: 'alice', action: 'silence', matcher: { fingerprint: J }, until: iso(200) },
      { now: at(16) },
    );
    await run(20);
    expect(lines(discord.messages.get(id))).toEqual([
      '**escalated** jellyfin unhealthy\\_service (critical) · acknowledged · silenced — HTTP 503',
    ]);
    await run(25);
    await chronicle(repo, incident('a3', 26, 'resolved', J, 'critical'));
    const resolved = await run(45);
    // The resolution is one short post (people hear that it is over) and the original shows it.
    expect(resolved.plan.messageKey).not.toBeNull();
    expect(lines(discord.messages.get(id))).toEqual([
      '**resolved** jellyfin unhealthy\\_service (critical) — HTTP 503',
    ]);
    expect(discord.messages.get(id).components).toEqual([]);
    expect(discord.posts()).toHaveLength(2);
    expect(discord.edits().map((request) => request.path)).toEqual(
      Array(4).fill(`/api/v10/channels/${CHANNEL}/messages/${id}`),
    );
    expect(
      discord
        .edits()
        .every((request) => request.body.nonce === undefined && request.body.allowed_mentions.parse.length === 0),
    ).toBe(true);
    const entries = await log(repo);
    expect(
      entries.filter((line) => line.type === 'outbox' && line.state === 'queued').map((line) => line.edit ?? 'post'),
    ).toEqual([
      'post',
      first.plan.messageKey,
      first.plan.messageKey,
      first.plan.messageKey,
      'post',
      first.plan.messageKey,
    ]);
    expect(
      entries
        .filter((line) => line.type === 'decision' && line.decision === 'sent')
        .map((line) => `${line.kind} ${line.via ?? 'post'}`),
    ).toEqual(['opened post', 'escalated edit', 'resolved post']);
  });

  it('a resolution scrolled away by a newer post posts one short grouped message and edits the original', async () => {
    const repo = await homelab(incident('a1', 1, 'opened', J));
    await runNotify({ repo, now: at(5), sink: webhook(), ...noSleep });
    await chronicle(repo, incident('b1', 6, 'opened', P));
    await runNotify({ repo, now: at(10), sink: webhook(), ...noSleep });
    await chronicle(repo, incident('a2', 11, 'resolved', J));
    const resolved = await runNotify({ repo, now: at(30), sink: webhook(), ...noSleep });
    expect(resolved.plan.messageKey).not.toBeNull();
    const posts = discord.posts();
    expect(posts.map((request) => shown(request.body).map((line: string) => line.split(' ')[0]))).toEqual([
      ['**opened**'],
      ['**opened**'],
      ['**resolved**'],
    ]);
    expect(posts[2]!.body.content).toBe('labwarden: 0 active, 1 cleared');
    const [first, second] = [...discord.messages.values()];
    expect(shown(first)[0]).toMatch(/^\*\*resolved\*\* jellyfin/);
    expect(shown(second)[0]).toMatch(/^\*\*opened\*\* pihole/);
    expect(discord.edits().map((request) => request.path)).toEqual([
      `/api/v10/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}/messages/${first.id}`,
    ]);
  });

  it('a fresh checkout edits rather than re-posts: the message ids live in chronicle/notifications.jsonl', async () => {
    const repo = await homelab(incident('a1', 1, 'opened', J));
    await runNotify({ repo, now: at(5), sink: webhook(), ...noSleep });
    const [id] = [...discord.messages.keys()];
    expect((await log(repo)).find((line) => line.state === 'delivered').discord_id).toBe(id);
    const clone = path.join(await tempDir(), 'clone');
    await cp(repo, clone, { recursive: true });
    await chronicle(clone, incident('a2', 8, 'escalated', J, 'critical'));
    await runNotify({ repo: clone, now: at(10), sink: webhook(), ...noSleep });
    expect(discord.posts()).toHaveLength(1);
    expect(discord.edits().map((request) => request.path.split('/').at(-1))).toEqual([id]);
  });

  it('a webhook message is not edited by the bot (with both configured the bot posts): the update is posted anew', async () => {
    const repo = await homelab(incident('a1', 1, 'opened', J));
    await runNotify({ repo, now: at(5), sink: webhook(), ...noSleep });
    await chronicle(repo, incident('a2', 8, 'escalated', J, 'critical'));
    const escalated = await runNotify({ repo, now: at(10), sink: bot(), ...noSleep });
    expect(escalated.report!.deferred).toEqual([]);
    expect(discord.requests.filter((request) => request.method === 'PATCH')).toEqual([]);
    expect(discord.posts().map((request) => request.path)).toEqual([
      `/api/v10/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}`,
      `/api/v10/channels/${CHANNEL}/messages`,
    ]);
    await chronicle(repo, incident('a3', 11, 'resolved', J, 'critical'));
    await runNotify({ repo, now: at(30), sink: bot(), ...noSleep });
    expect(discord.edits().map((request) => request.path)).toEqual([
      `/api/v10/channels/${CHANNEL}/messages/${[...discord.messages.keys()][1]}`,
    ]);
  });

  it('an edit refused with 404 Unknown Message (deleted by a human) is posted anew, and later edits go to the new message', async () => {
    const repo = await homelab(incident('a1', 1, 'opened', J));
    await runNotify({ repo, now: at(5), sink: bot(), ...noSleep });
    const [deleted] = [...discord.messages.keys()];
    discord.deleteMessage(deleted!);
    await chronicle(repo, incident('a2', 8, 'escalated', J, 'critical'));
    const escalated = await runNotify({ repo, now: at(10), sink: bot(), ...noSleep });
    expect(escalated.report!.deferred).toEqual([]);
    expect(discord.requests.filter((request) => request.method === 'PATCH').map((request) => request.status)).toEqual([
      404,
    ]);
    const [reposted] = [...discord.messages.keys()];
    expect(reposted).not.toBe(deleted);
    expect(discord.posts()).toHaveLength(2);
    expect((await log(repo)).at(-1)).toMatchObject({ state: 'delivered', reposted: true, discord_id: reposted });
    await chronicle(repo, incident('a3', 11, 'resolved', J, 'critical'));
    await runNotify({ repo, now: at(30), sink: bot(), ...noSleep });
    expect(discord.edits().map((request) => request.path.split('/').at(-1))).toEqual([reposted]);
    expect(shown(discord.messages.get(reposted!))[0]).toMatch(/^\*\*resolved\*\*/);
  });
});

describe('undeliverable is never done', () => {
  it('a deleted webhook: notify exits 4 and keeps the alert; past stale_after the watchdog reports it; fixed, it goes out', async () => {
    const repo = await homelab(incident('a1', 1, 'opened', J));
    const env = { DISCORD_WEBHOOK_URL: WEBHOOK_URL, DISCORD_API_URL: discord.api };
    const gone = { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    discord.script('POST', /webhooks/, gone);
    const refused = await runCli(['notify', '--repo', repo, '--now', iso(5)], { env });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(
      /still pending \(Discord refused the message: 404 Unknown Webhook.*\); the next run retries it/,
    );
    const watchdog = (minute: number) =>
      runCli(['watchdog', '--repo', repo, '--now', iso(minute), '--job-status', 'success', '--no-remote'], {
        env: { DISCORD_WEBHOOK_URL: '' },
      });
    const late = await watchdog(30);
    expect(late.stdout).toMatch(/alert delivery/);
    expect(late.stdout).toMatch(/Failing: alert delivery\n  1 alert message undelivered since 2026/);
    const fixed = await runCli(['notify', '--repo', repo, '--now', iso(35)], { env });
    expect(fixed.code).toBe(0);
    expect(discord.posts()).toHaveLength(1);
    expect((await watchdog(40)).stdout).toMatch(/Recovered: alert delivery/i);
  }, 60_000);
});

/**
 * The sequence the restart tests replay: J opens (post 1); then pihole opens (post 2) while J
 * escalates (edit of post 1); then J resolves (post 3, as post 2 came after, and edit of post 1).
 */
async function sequence(repo: string, sink: Sink, crashAt?: { call: number; after: boolean }): Promise<void> {
  let calls = 0;
  // Crash injection: the process dies right before or right after the n-th request reached Discord.
  const crash = async <T>(send: () => Promise<T>): Promise<T> => {
    calls += 1;
    if (crashAt && calls === crashAt.call && !crashAt.after) throw new Error('killed');
    const result = await send();
    if (crashAt && calls === crashAt.call && crashAt.after) throw new Error('killed');
    return result;
  };
  const crashing: Sink = {
    ...sink,
    send: (payload, key) => crash(() => sink.send(payload, key)),
    edit: (id, payload, key) => crash(() => sink.edit!(id, payload, key)),
  };
  const steps: [number, string][] = [
    [5, ''],
    [10, incident('b1', 6, 'opened', P) + incident('a2', 7, 'escalated', J, 'critical')],
    [30, incident('a3', 11, 'resolved', J, 'critical')],
  ];
  for (const [minute, lines] of steps) {
    if (lines) await chronicle(repo, lines);
    try {
      await runNotify({ repo, now: at(minute), sink: crashing, ...noSleep });
    } catch (error) {
      if ((error as Error).message !== 'killed') throw error;
      // Restarted: the same run again, nothing crashing this time.
      await runNotify({ repo, now: at(minute), sink, ...noSleep });
    }
  }
}

describe('a restart mid-sequence neither re-posts nor loses an edit', () => {
  const finalState = (standIn = discord) => [...standIn.messages.values()].map((message) => shown(message).join(' | '));
  let reference: string[];
  beforeAll(async () => {
    // The same sequence without a crash, on a stand-in of its own.
    const clean = await new DiscordStandIn().start();
    const sink = discordBotSink({ token: 'bot-token', channelId: CHANNEL, api: clean.api });
    await sequence(await homelab(incident('a1', 1, 'opened', J)), sink);
    await sink.close();
    reference = finalState(clean);
    expect(reference.map((message) => message.split(' ')[0])).toEqual(['**resolved**', '**opened**', '**resolved**']);
    expect([clean.posts().length, clean.edits().length]).toEqual([3, 2]);
    await clean.stop();
  });

  // 5 requests in all: post, post, edit, post, edit; a kill before or after each of them.
  it.each(
    [1, 2, 3, 4, 5].flatMap((call) => [
      { call, after: false },
      { call, after: true },
    ]),
  )('bot: killed at request $call (after it reached Discord: $after)', async (crashAt) => {
    const repo = await homelab(incident('a1', 1, 'opened', J));
    await sequence(repo, bot(), crashAt);
    expect(finalState()).toEqual(reference);
    expect(discord.posts()).toHaveLength(3);
  });

  // A webhook has no nonce: a kill right after its POST would repost once (documented); every other step is exact.
  it.each(
    [1, 2, 3, 4, 5].flatMap((call) => [
      { call, after: false },
      ...(call === 3 || call === 5 ? [{ call, after: true }] : []),
    ]),
  )('webhook: killed at request $call (after it reached Discord: $after)', async (crashAt) => {
    const repo = await homelab(incident('a1', 1, 'opened', J));
    await sequence(repo, webhook(), crashAt);
    expect(finalState()).toEqual(reference);
    expect(discord.posts()).toHaveLength(3);
  });
});
