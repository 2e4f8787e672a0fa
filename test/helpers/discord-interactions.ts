import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Client } from 'discord.js';
import { makeRepo, tempDir } from './repo.js';

/** Raw gateway interactions (INTERACTION_CREATE payloads) for the bot tests, and a homelab clone. */
export const APP = '500000000000000001';
export const GUILD = '600000000000000001';
export const ALICE = '111111111111111111';
export const BOB = '222222222222222222';
export const EVE = '333333333333333333';
export const OPS_ROLE = '999999999999999999';

const run = promisify(execFile);
export const git = (cwd: string, ...args: string[]) => run('git', args, { cwd });

export const J_OPENED = JSON.stringify({
  id: 'i1',
  at: '2026-11-22T09:00:00Z',
  event: 'opened',
  fingerprint: 'media/jellyfin/unhealthy_service',
  node: 'media',
  service: 'jellyfin',
  drift: 'unhealthy_service',
  severity: 'warning',
  recommendation: 'reconcile_required',
  action: 'redeploy',
  reason: 'status failed',
});

/** A homelab clone with a bare origin, as the bot runs against. `files` add to or replace the defaults. */
export async function clonedHomelab(files: Record<string, string> = {}): Promise<string> {
  const work = await makeRepo({
    'inventory/policy.yaml': `operators:\n  users: ["${ALICE}"]\n  roles: ["${OPS_ROLE}"]\n`,
    'inventory/hosts/media/services.yaml': 'services:\n  - name: jellyfin\n',
    'inventory/hosts/pi/services.yaml': 'services:\n  - name: pihole\n',
    'chronicle/admin.jsonl': '',
    'chronicle/incidents.jsonl': `${J_OPENED}\n`,
    ...files,
  });
  const origin = await tempDir('labwarden-origin-');
  await git(origin, 'init', '--bare', '-q', '-b', 'main');
  await git(work, 'init', '-q', '-b', 'main');
  await git(work, 'config', 'user.name', 'labwarden-bot');
  await git(work, 'config', 'user.email', 'bot@example.invalid');
  await git(work, 'add', '-A');
  await git(work, 'commit', '-qm', 'init');
  await git(work, 'remote', 'add', 'origin', origin);
  await git(work, 'push', '-q', '-u', 'origin', 'main');
  return work;
}

export function chatInput(
  id: string,
  user: { id: string; name: string; roles?: string[] },
  name: string,
  options: unknown[],
) {
  return {
    id,
    application_id: APP,
    type: 2,
    token: `tok-${id}`,
    version: 1,
    guild_id: GUILD,
    member: {
      user: { id: user.id, username: user.name, discriminator: '0', avatar: null, global_name: user.name },
      roles: user.roles ?? [],
      permissions: '0',
      joined_at: '2026-01-01T00:00:00Z',
      deaf: false,
      mute: false,
      flags: 0,
    },
    data: { id: '900', name, type: 1, options },
    app_permissions: '0',
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: {},
    context: 0,
  };
}

/** The alert message's buttons as notify builds them: Ack and Silence 1h for one incident, and the dashboard link. */
export function alertRows(reference: string) {
  return [
    {
      type: 1,
      id: 1,
      components: [
        { type: 2, id: 2, style: 1, label: 'Ack media/jellyfin/unhealthy_service', custom_id: `ack:${reference}` },
        { type: 2, id: 3, style: 2, label: 'Silence 1h', custom_id: `silence1h:${reference}` },
      ],
    },
    {
      type: 1,
      id: 4,
      components: [{ type: 2, id: 5, style: 5, label: 'Open dashboard', url: 'https://status.example.org' }],
    },
  ];
}

export function button(id: string, user: { id: string; name: string }, customId: string) {
  const base = chatInput(id, user, 'unused', []);
  const components = alertRows(customId.slice(customId.indexOf(':') + 1));
  return {
    ...base,
    type: 3,
    channel_id: '700000000000000001',
    data: { custom_id: customId, component_type: 2 },
    message: {
      id: '800000000000000001',
      channel_id: '700000000000000001',
      author: { id: APP, username: 'labwarden', discriminator: '0', avatar: null },
      content: 'labwarden: 1 active',
      timestamp: '2026-11-22T09:05:00Z',
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
      components,
    },
  };
}

/** An autocomplete interaction with `option` focused. */
export function autocomplete(
  id: string,
  user: { id: string; name: string },
  name: string,
  option: string,
  typed: string,
) {
  return { ...chatInput(id, user, name, [{ type: 3, name: option, value: typed, focused: true }]), type: 4 };
}

export const enter = (node: string) => [{ type: 1, name: 'enter', options: [{ type: 3, name: 'node', value: node }] }];

export async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the stand-in');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * discord.js's internal action (pinned version): emits a real interaction from a raw payload.
 * With the stand-in, the interaction is held to Discord's deadlines from that moment.
 */
export function emitter(
  client: Client,
  discord?: { dispatched(raw: { id: string; token: string }): void },
): (raw: unknown) => void {
  return (raw) => {
    discord?.dispatched(raw as { id: string; token: string });
    (
      client as unknown as { actions: { InteractionCreate: { handle(data: unknown): void } } }
    ).actions.InteractionCreate.handle(raw);
  };
}
