import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultAppender as appender } from '../src/bot/admin-appender.js';
import { repoGitOps } from '../src/bot/persist.js';
import { botConfig, createBotClient } from '../src/bot/run.js';
import { buildRepoModel, readRepoSources } from '../src/repo/index.js';
import { foldApprovals } from '../src/skills/index.js';
import { DiscordStandIn } from './helpers/discord-stand-in.js';
import {
  ALICE,
  APP,
  autocomplete,
  BOB,
  button,
  chatInput,
  clonedHomelab,
  emitter,
  EVE,
  git,
  GUILD,
  OPS_ROLE,
  until,
} from './helpers/discord-interactions.js';
import { cleanupRepos, runCli } from './helpers/repo.js';

// /approve, the Approve button, /remediation pause|resume and /status's runbook lines, through
// the in-process bot, the strict stand-in, the shared appender and a real git origin.
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
const J = 'media/jellyfin/unhealthy_service';
const SKILL = 'http-upstream-down';
const alice = { id: ALICE, name: 'alice' };
const bob = { id: BOB, name: 'bob', roles: [OPS_ROLE] };
const eve = { id: EVE, name: 'eve' };
const REC = {
  id: J,
  event: 'reconcile_required',
  drift: 'unhealthy_service',
  action: 'redeploy',
  node: 'media',
  service: 'jellyfin',
  severity: 'warning',
  reason: 'status failed: HTTP 503 from /health',
  since: '2026-11-22T09:00:00Z',
};
const FINDING = (step: number, title: string, result: string) =>
  JSON.stringify({
    at: '2026-11-22T09:10:00Z',
    fingerprint: J,
    node: 'media',
    service: 'jellyfin',
    skill: SKILL,
    step,
    title,
    kind: 'run',
    target: [],
    result,
  });

async function homelab(): Promise<string> {
  return clonedHomelab({
    'inventory/hosts/media/services.yaml':
      'services:\n  - { name: jellyfin, probe: { http: "http://127.0.0.1:9/health" } }\n',
    'status/recommendations.json': JSON.stringify({
      summary: 'degraded',
      nodes: { media: {}, pi: {} },
      recommendations: [REC],
    }),
    'chronicle/diagnostics.jsonl': `${[FINDING(1, 'GET the probe URL', 'failed'), FINDING(2, 'load and uptime', 'ok'), FINDING(3, 'memory', 'error')].join('\n')}\n`,
  });
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

const ofInteraction = (id: string) => discord.requests.filter((request) => request.path.includes(`tok-${id}`));
const answered = (id: string) => () => ofInteraction(id).length > 0;
const adminLines = async (repo: string) =>
  (await readFile(path.join(repo, 'chronicle/admin.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const approve = (fingerprint: string, skill?: string) => [
  { type: 3, name: 'fingerprint', value: fingerprint },
  ...(skill ? [{ type: 3, name: 'skill', value: skill }] : []),
];

describe('/approve and the Approve button', () => {
  it('an operator appends one chained approval; a non-operator and a role-only operator are refused privately; hostile text stays escaped', async () => {
    const repo = await homelab();
    const { client, emit } = startBot(repo);
    try {
      emit(chatInput('7100000000000000001', eve, 'approve', approve(J)));
      await until(answered('7100000000000000001'));
      const [refusal] = ofInteraction('7100000000000000001');
      expect([refusal!.body.type, refusal!.body.data.flags, refusal!.body.data.content]).toEqual([
        4,
        64,
        'You are not an operator of this homelab, so /approve was refused.',
      ]);

      emit(chatInput('7100000000000000002', bob, 'approve', approve(J)));
      await until(() => ofInteraction('7100000000000000002').some((request) => request.method === 'DELETE'));
      const private2 = ofInteraction('7100000000000000002').find((request) => request.body?.flags === 64)!;
      expect(private2.body.content).toMatch(/^Approving needs your Discord user id under `operators.users`/);

      emit(chatInput('7100000000000000003', alice, 'approve', approve('@everyone **x**')));
      await until(() => ofInteraction('7100000000000000003').some((request) => request.method === 'DELETE'));
      expect(ofInteraction('7100000000000000003').find((request) => request.body?.flags === 64)!.body.content).toBe(
        'No open recommendation "@\u200beveryone \\*\\*x\\*\\*". /status lists them.',
      );
      expect(await adminLines(repo)).toEqual([]);

      emit(chatInput('7100000000000000004', alice, 'approve', approve(J)));
      await until(() => ofInteraction('7100000000000000004').some((request) => request.method === 'PATCH'));
      expect(ofInteraction('7100000000000000004').at(-1)!.body.content).toMatch(
        new RegExp(
          `^approve_remediation recorded as seq 1: ${SKILL} approved for ${J} by discord:alice \\(${ALICE}\\)\\nCommitted [0-9a-f]{12} as alice\\.$`,
        ),
      );
      const lines = await adminLines(repo);
      expect(lines.map((line) => [line.seq, line.action, line.node, line.fingerprint, line.skill, line.actor])).toEqual(
        [[1, 'approve_remediation', 'media', J, SKILL, `discord:alice (${ALICE})`]],
      );
      expect((await git(repo, 'log', '-1', '--format=%an|%s', 'origin/main')).stdout.trim()).toBe(
        `alice|admin: approved ${SKILL} for ${J}`,
      );
      // The chain verifies, and the approval is one an executor honours (by the user id policy lists).
      expect(await runCli(['validate', '--repo', repo])).toMatchObject({ code: 0 });
      const model = buildRepoModel(await readRepoSources(repo));
      expect(model.admin.break).toBeUndefined();
      const { approvals, ignored } = foldApprovals(model.admin.events, model.policy);
      expect([approvals.get(J)?.map((approval) => approval.skill), ignored]).toEqual([[SKILL], []]);

      // A skill that does not match is refused, naming those that do.
      emit(chatInput('7100000000000000005', alice, 'approve', approve(J, 'docker-oom')));
      await until(() => ofInteraction('7100000000000000005').some((request) => request.method === 'DELETE'));
      expect(ofInteraction('7100000000000000005').find((request) => request.body?.flags === 64)!.body.content).toBe(
        `Skill "docker\\-oom" does not match ${J.replace(/_/g, '\\_')}. Matching: http-upstream-down, http-unhealthy.`,
      );
      expect(await adminLines(repo)).toHaveLength(1);
    } finally {
      await client.destroy();
    }
  });

  it('autocompletes the open fingerprints; the Approve button approves the skill the alert showed and updates the alert', async () => {
    const repo = await homelab();
    const { client, emit } = startBot(repo);
    try {
      emit(autocomplete('7100000000000000011', alice, 'approve', 'fingerprint', 'jelly'));
      await until(() => ofInteraction('7100000000000000011').length === 1);
      expect(ofInteraction('7100000000000000011')[0]!.body.data.choices).toEqual([{ name: J, value: J }]);
      // The skill option offers the skills matching the fingerprint chosen, most specific first.
      emit({
        ...chatInput('7100000000000000013', alice, 'approve', [
          { type: 3, name: 'fingerprint', value: J },
          { type: 3, name: 'skill', value: '', focused: true },
        ]),
        type: 4,
      });
      await until(() => ofInteraction('7100000000000000013').length === 1);
      expect(ofInteraction('7100000000000000013')[0]!.body.data.choices).toEqual([
        { name: SKILL, value: SKILL },
        { name: 'http-unhealthy', value: 'http-unhealthy' },
      ]);

      const customId = `approve:${SKILL}:${J}`;
      const pressed = button('7100000000000000012', alice, customId);
      pressed.message.components = [
        {
          type: 1,
          id: 1,
          components: [
            { type: 2, id: 2, style: 1, label: `Ack ${J}`, custom_id: `ack:${J}` },
            { type: 2, id: 3, style: 2, label: 'Silence 1h', custom_id: `silence1h:${J}` },
            { type: 2, id: 4, style: 3, label: `Approve ${SKILL}`, custom_id: customId },
          ],
        },
      ] as never;
      emit(pressed);
      await until(() =>
        ofInteraction('7100000000000000012').some(
          (request) => request.method === 'POST' && request.path.startsWith('/api/v10/webhooks/'),
        ),
      );
      const requests = ofInteraction('7100000000000000012');
      expect(requests[0]!.body.type).toBe(6);
      const update = requests.find((request) => request.method === 'PATCH')!;
      expect(update.body.components[0].components[2]).toEqual({
        type: 2,
        id: 4,
        style: 3,
        label: 'Approved by alice',
        custom_id: customId,
        disabled: true,
      });
      const answer = requests.find((request) => request.method === 'POST' && request.body?.flags === 64)!;
      expect(answer.body.content).toMatch(/^approve_remediation recorded as seq 1: http-upstream-down approved for /);
      expect((await adminLines(repo)).map((line) => [line.action, line.skill, line.actor])).toEqual([
        ['approve_remediation', SKILL, `discord:alice (${ALICE})`],
      ]);
      expect(await runCli(['validate', '--repo', repo])).toMatchObject({ code: 0 });
    } finally {
      await client.destroy();
    }
  });
});

describe('/remediation and /status', () => {
  it('pause then resume append chained events; pausing twice changes nothing; a non-operator is refused', async () => {
    const repo = await homelab();
    const { client, emit } = startBot(repo);
    const pause = (reason: string) => [
      { type: 1, name: 'pause', options: [{ type: 3, name: 'reason', value: reason }] },
    ];
    try {
      emit(chatInput('7100000000000000021', eve, 'remediation', pause('nope')));
      await until(() => ofInteraction('7100000000000000021').length === 1);
      expect(ofInteraction('7100000000000000021')[0]!.body.data.flags).toBe(64);

      emit(chatInput('7100000000000000022', alice, 'remediation', pause('backup <@&1> @everyone')));
      await until(() => ofInteraction('7100000000000000022').some((request) => request.method === 'PATCH'));
      expect(ofInteraction('7100000000000000022').at(-1)!.body.content).toMatch(
        /^pause_remediation recorded as seq 1: remediation paused \(kill switch\); no executor acts until resumed\nCommitted [0-9a-f]{12} as alice\.$/,
      );
      emit(chatInput('7100000000000000023', bob, 'remediation', pause('again')));
      await until(() => ofInteraction('7100000000000000023').some((request) => request.method === 'PATCH'));
      expect(ofInteraction('7100000000000000023').at(-1)!.body.content).toBe(
        `Remediation is already paused by discord\\:alice \\(${ALICE}\\) at 2026-11-22T10:00:00Z (seq 1); nothing changed.`,
      );
      emit(chatInput('7100000000000000024', alice, 'remediation', [{ type: 1, name: 'resume', options: [] }]));
      await until(() => ofInteraction('7100000000000000024').some((request) => request.method === 'PATCH'));
      expect(ofInteraction('7100000000000000024').at(-1)!.body.content).toMatch(
        /^resume_remediation recorded as seq 2: remediation resumed\nCommitted [0-9a-f]{12} as alice\.$/,
      );
      const lines = await adminLines(repo);
      expect(lines.map((line) => [line.seq, line.action, line.reason, line.actor])).toEqual([
        [1, 'pause_remediation', 'backup <@&1> @everyone', `discord:alice (${ALICE})`],
        [2, 'resume_remediation', null, `discord:alice (${ALICE})`],
      ]);
      expect(await runCli(['validate', '--repo', repo])).toMatchObject({ code: 0 });
      expect((await git(repo, 'log', '--format=%s', 'origin/main')).stdout.trim().split('\n').slice(0, 2)).toEqual([
        'admin: resumed remediation',
        'admin: paused remediation (kill switch)',
      ]);
    } finally {
      await client.destroy();
    }
  });

  it('/status shows the runbook and what diagnostics found under each open item', async () => {
    const repo = await homelab();
    const { client, emit } = startBot(repo);
    try {
      emit(chatInput('7100000000000000031', eve, 'status', []));
      await until(() => ofInteraction('7100000000000000031').some((request) => request.method === 'PATCH'));
      expect(ofInteraction('7100000000000000031').at(-1)!.body.content).toBe(
        [
          'Summary: **degraded**',
          '• **media**: 1 open incident',
          `  ◦ \`${J}\``,
          '    ↳ runbook\\: Upstream down behind the proxy \\(HTTP 502/503/504\\); next\\: labwarden diagnose media/jellyfin/unhealthy\\_service, then check the service behind the proxy \\(its own recommendation, if any\\)',
          '    ↳ diagnosed\\: 3 steps, 2 failed \\(GET the probe URL\\)',
          '• **pi**: no open incidents',
          'No silences in force.',
        ].join('\n'),
      );
    } finally {
      await client.destroy();
    }
  });
});
