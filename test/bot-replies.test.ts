import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultAppender as appender } from '../src/bot/admin-appender.js';
import { repoGitOps } from '../src/bot/persist.js';
import { botConfig, createBotClient } from '../src/bot/run.js';
import { fingerprintRef } from '../src/notify/fingerprint-ref.js';
import { DiscordStandIn, refusal } from './helpers/discord-stand-in.js';
import {
  ALICE,
  APP,
  autocomplete,
  button,
  chatInput,
  clonedHomelab,
  emitter,
  enter,
  git,
  GUILD,
  until,
} from './helpers/discord-interactions.js';
import { cleanupRepos } from './helpers/repo.js';

// Replies as Discord takes them: within 2,000 characters, private when they are refusals or
// errors, truthful when Discord will not take them. Every request meets the strict stand-in.
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
const BIG = 'big-'.padEnd(63, 'x');
const service = (index: number) => `service-${index}-`.padEnd(63, 'y');
const fingerprint = (index: number) => `${BIG}/${service(index)}/unhealthy_service`;

/** A node with 40 services of 63-character names, each able to move to pi; 30 of them failing. */
function bigNode(): Record<string, string> {
  const services = Array.from({ length: 40 }, (_, index) => `  - name: ${service(index)}\n    failover: [pi]\n`).join(
    '',
  );
  const incidents = Array.from({ length: 30 }, (_, index) =>
    JSON.stringify({
      id: `b${index}`,
      at: '2026-11-22T09:00:00Z',
      event: 'opened',
      fingerprint: fingerprint(index),
      node: BIG,
      service: service(index),
      drift: 'unhealthy_service',
      severity: 'warning',
      recommendation: 'reconcile_required',
      action: 'redeploy',
      reason: 'status failed',
    }),
  );
  return {
    [`inventory/hosts/${BIG}/services.yaml`]: `services:\n${services}`,
    'chronicle/incidents.jsonl': `${incidents.join('\n')}\n`,
  };
}

async function startBot(repo: string) {
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
const ofInteraction = (id: string) => discord.requests.filter((request) => request.path.includes(`tok-${id}`));
const shape = (id: string) =>
  ofInteraction(id).map((request) => [
    request.method,
    request.path.replace(`tok-${id}`, 'TOKEN').replace(/\d{15,}/g, 'ID'),
    request.status,
    request.body?.type ?? null,
    request.body?.flags ?? request.body?.data?.flags ?? null,
  ]);
const adminLines = async (repo: string) =>
  (await readFile(path.join(repo, 'chronicle/admin.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe('bot replies against the strict stand-in', () => {
  it('usage problems and refusals found after the pull are answered privately: an ephemeral follow-up, the public placeholder removed', async () => {
    const repo = await clonedHomelab();
    const { client, emit } = await startBot(repo);
    try {
      emit(chatInput('4000000000000000001', alice, 'drain', [{ type: 3, name: 'node', value: 'nope' }]));
      emit(
        chatInput('4000000000000000002', alice, 'silence', [
          { type: 3, name: 'target', value: 'media' },
          { type: 3, name: 'duration', value: 'soon' },
        ]),
      );
      await until(() => discord.requests.filter((request) => request.method === 'DELETE').length === 2);
      for (const id of ['4000000000000000001', '4000000000000000002']) {
        expect(shape(id)).toEqual([
          ['POST', '/api/v10/interactions/ID/TOKEN/callback', 204, 5, 0],
          ['POST', '/api/v10/webhooks/ID/TOKEN', 200, null, 64],
          ['DELETE', '/api/v10/webhooks/ID/TOKEN/messages/@original', 204, null, null],
        ]);
      }
      expect(ofInteraction('4000000000000000001')[1]!.body.content).toBe(
        'Unknown node "nope". Known nodes: media, pi.',
      );
      expect(ofInteraction('4000000000000000002')[1]!.body.content).toBe(
        'Duration "soon" is not valid: use 15m, 1h, 4h, 1d, 1w, any such as 30m or 2h30m, or "resolved".',
      );
      expect(await adminLines(repo)).toEqual([]);
      expect(discord.refusals).toEqual([]);
    } finally {
      await client.destroy();
    }
  });

  it("a 40-service node's /maintenance enter reply stays within 2,000 characters and keeps the commit line", async () => {
    const repo = await clonedHomelab(bigNode());
    const { client, emit } = await startBot(repo);
    try {
      emit(chatInput('4000000000000000011', alice, 'maintenance', enter(BIG)));
      await until(() => discord.requests.some((request) => request.method === 'PATCH'));
      const edit = discord.requests.find((request) => request.method === 'PATCH')!;
      expect(discord.refusals).toEqual([]);
      expect(edit.status).toBe(200);
      const content = edit.body.content as string;
      expect(content.length).toBeLessThanOrEqual(2000);
      expect(content).toMatch(
        /^big-x+: enter_maintenance recorded as seq 1; Active -> EnteringMaintenance \(drain 0\/40 moved; blocked: every failover target of service-0-y+ is down \(pi offline\); /,
      );
      expect(content).toMatch(
        /… \(shortened to fit Discord; \/status and the dashboard show the rest\)\nCommitted [0-9a-f]{12} as alice\.$/,
      );
      expect(await git(repo, 'log', '-1', '--format=%s', 'origin/main').then((result) => result.stdout.trim())).toBe(
        `admin: enter maintenance ${BIG}`,
      );
    } finally {
      await client.destroy();
    }
  });

  it('when Discord refuses the reply after a push, the operator is told what was pushed, never "Nothing was pushed"', async () => {
    const repo = await clonedHomelab();
    discord.script(
      'PATCH',
      /\/messages\/@original$/,
      refusal({ content: { _errors: [{ code: 'X', message: 'refused' }] } }),
    );
    const { client, emit, logs } = await startBot(repo);
    try {
      emit(chatInput('4000000000000000021', alice, 'cordon', [{ type: 3, name: 'node', value: 'pi' }]));
      await until(() => discord.requests.filter((request) => request.method === 'PATCH').length === 2);
      const { stdout } = await git(repo, 'rev-parse', 'origin/main');
      const edits = discord.requests.filter((request) => request.method === 'PATCH');
      expect(edits.map((request) => request.status)).toEqual([400, 200]);
      expect(edits[1]!.body.content).toBe(
        `/cordon succeeded and was pushed as ${stdout.trim().slice(0, 12)}, but Discord did not take the full reply. /status shows the result.`,
      );
      expect(JSON.stringify(discord.requests.map((request) => request.body))).not.toContain('Nothing was pushed');
      expect(logs.some((line) => line.startsWith('/cordon: the reply was not shown: '))).toBe(true);
    } finally {
      await client.destroy();
    }
  });

  it('autocomplete offers at most 25 choices within 100 characters; a long fingerprint travels as its reference and /ack and the Silence button resolve it', async () => {
    const repo = await clonedHomelab(bigNode());
    const { client, emit } = await startBot(repo);
    try {
      emit(autocomplete('4000000000000000031', alice, 'ack', 'incident', ''));
      await until(() => ofInteraction('4000000000000000031').length === 1);
      const answer = ofInteraction('4000000000000000031')[0]!;
      expect([answer.status, answer.body.type]).toEqual([204, 8]);
      const choices = answer.body.data.choices as { name: string; value: string }[];
      expect(choices).toHaveLength(25);
      expect(choices.every((choice) => choice.name.length <= 100 && choice.value.length <= 100)).toBe(true);
      expect(choices[0]).toEqual({
        name: `${fingerprint(0).slice(0, 60)}…${fingerprint(0).slice(-39)}`,
        value: fingerprintRef(fingerprint(0)),
      });

      emit(chatInput('4000000000000000032', alice, 'ack', [{ type: 3, name: 'incident', value: choices[0]!.value }]));
      await until(() => discord.requests.some((request) => request.method === 'PATCH'));
      emit(button('4000000000000000033', alice, `silence1h:${fingerprintRef(fingerprint(1))}`));
      await until(() => discord.requests.filter((request) => request.method === 'PATCH').length === 2);
      expect(
        (await adminLines(repo)).map((line) => [line.action, line.fingerprint ?? line.matcher?.fingerprint]),
      ).toEqual([
        ['ack', fingerprint(0)],
        ['silence', fingerprint(1)],
      ]);
      expect(discord.refusals).toEqual([]);
    } finally {
      await client.destroy();
    }
  });
});
