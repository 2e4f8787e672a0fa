import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runNotify } from '../src/notify/run.js';
import { discordBotSink } from '../src/notify/sinks/discord-bot.js';
import { discordWebhookSink } from '../src/notify/sinks/discord-webhook.js';
import type { Sink } from '../src/notify/sinks/sink.js';
import { DiscordStandIn, WEBHOOK_ID, WEBHOOK_TOKEN } from './helpers/discord-stand-in.js';
import { cleanupRepos, makeRepo, runCli } from './helpers/repo.js';

/**
 * Alerts carry the runbook (the matching skill's title and next step) and, once diagnostics ran
 * this episode, what they found; with the bot sink an approval-required skill gets an Approve
 * button. Real reconcile (a child process) writes status/; Discord is the strict stand-in.
 */

const FP = 'media/app/unhealthy_service';
const NEXT = `labwarden diagnose ${FP}, then restart the unit`;

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

async function homelab(): Promise<string> {
  const repo = await makeRepo({
    'inventory/hosts/media/services.yaml': 'services:\n  - { name: app, probe: { systemd: app.service } }\n',
    // A homelab's own skill replacing the built-in: its title is free text, so it is hostile here.
    'inventory/skills/systemd-crash-loop.yaml': [
      'id: systemd-crash-loop',
      'title: "@everyone **boom** <@123> [x](https://evil.example)"',
      'family: systemd',
      'match: { probe: [systemd], drift: [unhealthy_service], detail: [start-limit-hit] }',
      'diagnostics:',
      '  - { title: unit status, run: [systemctl, status, "{unit}"] }',
      '  - { title: journal, run: [journalctl, -u, "{unit}"] }',
      'remediation:',
      '  - { action: restart, title: restart the unit }',
      'risk: medium',
      '',
    ].join('\n'),
    'world/nodes/media.yaml': [
      'node: media',
      'observed_at: 2026-11-22T10:00:00Z',
      'status: online',
      'services:',
      '  - { name: app, status: failed, detail: "unit app.service failed (start-limit-hit)" }',
      '',
    ].join('\n'),
  });
  expect((await runCli(['reconcile', '--repo', repo, '--now', '2026-11-22T10:00:00Z'])).code).toBe(0);
  return repo;
}

const diagnosed = (at: string) =>
  [
    { at, fingerprint: FP, node: 'media', service: 'app', skill: 'systemd-crash-loop', step: 1, title: 'unit status' },
    { at, fingerprint: FP, node: 'media', service: 'app', skill: 'systemd-crash-loop', step: 2, title: 'journal' },
  ]
    .map((line, index) =>
      JSON.stringify({
        ...line,
        kind: 'run',
        target: [],
        result: index === 0 ? 'failed' : 'ok',
        exit: index === 0 ? 3 : 0,
        output: 'Environment=DB_PASSWORD=[redacted]',
      }),
    )
    .join('\n') + '\n';

const at = (iso: string) => Date.parse(iso);
const noSleep = { sleep: async () => {}, backoffMs: 1 };

describe('alerts show the runbook and what diagnostics found', () => {
  it('webhook: the runbook line, escaped; one edit once diagnostics ran, never their output', async () => {
    const repo = await homelab();
    const sink = discordWebhookSink({ id: WEBHOOK_ID, token: WEBHOOK_TOKEN, api: discord.api });
    sinks.push(sink);
    const first = await runNotify({ repo, now: at('2026-11-22T10:05:00Z'), sink, ...noSleep });
    expect(first.report?.delivered).toEqual([first.plan.messageKey]);
    const body = discord.requests[0]!.body;
    const lines = body.embeds[0].description.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(
      '  ↳ runbook\\: @\u200beveryone \\*\\*boom\\*\\* \\<@\u200b123\\> \\[x\\]\\(https\\://evil.example\\); next\\: labwarden diagnose media/app/unhealthy\\_service, then restart the unit',
    );
    expect(JSON.stringify(body)).not.toContain('@everyone');
    expect(body.allowed_mentions).toEqual({ parse: [] });
    // A webhook message has no buttons.
    expect(body.components).toBeUndefined();

    await appendFile(path.join(repo, 'chronicle/diagnostics.jsonl'), diagnosed('2026-11-22T10:06:00Z'));
    const second = await runNotify({ repo, now: at('2026-11-22T10:10:00Z'), sink, ...noSleep });
    expect(second.plan.messageKey).toBeNull();
    expect(discord.posts()).toHaveLength(1);
    const edits = discord.edits();
    expect(edits).toHaveLength(1);
    const edited = edits[0]!.body.embeds[0].description.split('\n');
    expect(edited.slice(1)).toEqual([lines[1], '  ↳ diagnosed\\: 2 steps, 1 failed \\(unit status\\)']);
    expect(JSON.stringify(edits[0]!.body)).not.toContain('DB_PASSWORD');
    // Nothing changed since: no further edit.
    await runNotify({ repo, now: at('2026-11-22T10:15:00Z'), sink, ...noSleep });
    expect(discord.edits()).toHaveLength(1);
  });

  it('bot: an Approve button for an approval-required skill, within the limits the stand-in enforces', async () => {
    const repo = await homelab();
    const sink = discordBotSink({ token: 'bot-token', channelId: '222222222222222222', api: discord.api });
    sinks.push(sink);
    const run = await runNotify({ repo, now: at('2026-11-22T10:05:00Z'), sink, ...noSleep });
    expect(run.report?.delivered).toEqual([run.plan.messageKey]);
    const body = discord.posts()[0]!.body;
    expect(body.embeds[0].description).toContain(`next\\: ${NEXT.replace(/_/g, '\\_')}`);
    expect(
      body.components[0].components.map((button: { label: string; custom_id: string }) => button.custom_id),
    ).toEqual([`ack:${FP}`, `silence1h:${FP}`, `approve:systemd-crash-loop:${FP}`]);
  });
});
