import type { Policy, Severity } from '../model/index.js';
import { fingerprintRef } from './fingerprint-ref.js';
import type { NotifyItem } from './plan.js';

/**
 * What an alert shows under an open item, besides the incident: the runbook's line, what
 * diagnostics found (counts, never output), and the skill an Approve button approves. Plain
 * text; rendering escapes it.
 */
export interface AlertNote {
  runbook?: string;
  diagnosed?: string;
  /** The runbook's skill, when it needs an approval: the alert offers an Approve button. */
  approve?: string;
}

/** A note line: short, so a group of alerts stays within one embed. */
const NOTE_CHARS = 200;

/**
 * Discord limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits;
 * button label and custom_id from discord-api-types / @discordjs/builders). `total` counts every
 * embed's title, description, footer, field and author text of one message, not `content`.
 */
export const LIMITS = {
  embeds: 10,
  title: 256,
  description: 4096,
  footer: 2048,
  total: 6000,
  content: 2000,
  customId: 100,
  buttonLabel: 80,
  rows: 5,
} as const;

export interface EmbedPayload {
  title: string;
  description: string;
  color: number;
  url?: string;
  footer: { text: string };
}

export interface ButtonPayload {
  type: 2;
  style: number;
  label: string;
  custom_id?: string;
  url?: string;
}

/** The exact JSON body a sink posts; the console sink prints it as is. */
export interface MessagePayload {
  content: string;
  embeds: EmbedPayload[];
  allowed_mentions: { parse: [] };
  components?: { type: 1; components: ButtonPayload[] }[];
}

export const COLORS: Record<Severity | 'resolved', number> = {
  critical: 0xe74c3c,
  warning: 0xf1c40f,
  info: 0x3498db,
  resolved: 0x2ecc71,
};

/**
 * Neutralizes user-controlled text (node, service and reason come from repos and observers):
 * markdown is escaped and mentions cannot form, even if allowed_mentions were ignored.
 */
export function escapeText(text: string): string {
  return text
    .replace(/[\\*_~`|>#[\]()<:-]/g, (char) => `\\${char}`)
    .replace(/@/g, '@\u200b')
    .replace(/[\r\n\t]+/g, ' ');
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  // Never leave a dangling escape backslash that would swallow the ellipsis.
  return `${cut.endsWith('\\') && !cut.endsWith('\\\\') ? cut.slice(0, -1) : cut}…`;
}

const VERB: Record<NotifyItem['kind'], string> = {
  opened: 'opened',
  escalated: 'escalated',
  reminder: 'still open',
  resolved: 'resolved',
  flapping: 'flapping',
  stable: 'stable again',
  resolved_while_held: 'opened and resolved during quiet hours',
  transient: 'opened and resolved since the last run',
  pipeline_stale: 'every node went stale at once',
  pipeline_recovered: 'observations are arriving again',
};

const CLEARED = new Set<NotifyItem['kind']>(['resolved', 'resolved_while_held', 'transient', 'pipeline_recovered']);

const ICON: Record<Severity, string> = { critical: '🔴', warning: '🟠', info: '🔵' };

function itemLine(item: NotifyItem): string {
  if (item.kind === 'pipeline_stale') {
    return `🔴 **${VERB[item.kind]}**: the observers or the pipeline stopped, not the homelab (${item.inhibited} node alerts held back)`;
  }
  if (item.kind === 'pipeline_recovered') return `🟢 **${VERB[item.kind]}**`;
  const icon =
    item.kind === 'resolved' ||
    item.kind === 'resolved_while_held' ||
    item.kind === 'transient' ||
    (item.kind === 'stable' && item.open === false)
      ? '🟢'
      : ICON[item.severity];
  const subject = escapeText(item.service ?? item.drift ?? item.fingerprint);
  const what = item.service && item.drift ? ` ${escapeText(item.drift)}` : item.service ? '' : '';
  const parts = [`${icon} **${VERB[item.kind]}** ${truncate(subject, 80)}${truncate(what, 40)} (${item.severity})`];
  if (item.action || item.recommendation)
    parts.push(
      `→ ${[item.recommendation, item.action]
        .filter((part): part is string => Boolean(part))
        .map(escapeText)
        .join(': ')}`,
    );
  if (item.inhibited)
    parts.push(`· ${item.inhibited} service alert${item.inhibited === 1 ? '' : 's'} on this node held back`);
  if (item.acked) parts.push('· acknowledged');
  if (item.silenced) parts.push('· silenced');
  if (item.moved) parts.push('· still open: see the newer message');
  if (item.after) parts.push(`· held by ${escapeText(item.after.replace('_', ' '))} until now`);
  if (item.reason) parts.push(`— ${truncate(escapeText(item.reason), 300)}`);
  return parts.join(' ');
}

/** The item's note lines, for open items only (a resolution needs no runbook). */
function noteLines(item: NotifyItem, note: AlertNote | undefined): string[] {
  if (!note || CLEARED.has(item.kind) || item.moved || item.kind === 'stable' || item.kind === 'pipeline_stale')
    return [];
  return [note.runbook, note.diagnosed]
    .filter((text): text is string => Boolean(text))
    .map((text) => truncate(`  ↳ ${escapeText(text)}`, NOTE_CHARS));
}

function worst(items: readonly NotifyItem[]): number {
  if (items.every((item) => CLEARED.has(item.kind))) return COLORS.resolved;
  if (items.some((item) => item.severity === 'critical')) return COLORS.critical;
  return items.some((item) => item.severity === 'warning') ? COLORS.warning : COLORS.info;
}

function safeUrl(url: string | undefined): string | undefined {
  return url && /^https?:\/\/[^\s]+$/.test(url) && url.length <= 2000 ? url : undefined;
}

/**
 * Renders a run's items as one message: an embed per node (grouped), colour by the worst
 * severity, within Discord's limits (overflow becomes a count, never a rejected post).
 */
export function renderMessage(
  items: readonly NotifyItem[],
  options: {
    key: string;
    policy: Policy;
    inhibitedDependents?: number;
    buttons?: boolean;
    /** Notes by fingerprint (runbook, diagnosis, approval), read once per run. */
    notes?: ReadonlyMap<string, AlertNote>;
  },
): MessagePayload {
  const url = safeUrl(options.policy.dashboard_url);
  const byNode = new Map<string, NotifyItem[]>();
  for (const item of items) byNode.set(item.node, [...(byNode.get(item.node) ?? []), item]);
  const footer = { text: truncate(`labwarden · ${options.key}`, LIMITS.footer) };
  const embeds: EmbedPayload[] = [];
  let budget = LIMITS.total - footer.text.length * LIMITS.embeds - 200;
  const nodes = [...byNode.keys()];
  for (const [index, node] of nodes.entries()) {
    const group = byNode.get(node)!;
    if (embeds.length === LIMITS.embeds - 1 && nodes.length > LIMITS.embeds) {
      embeds.push({
        title: `…and ${nodes.length - index} more nodes`,
        description: 'See the dashboard for the rest.',
        color: COLORS.info,
        footer,
        ...(url ? { url } : {}),
      });
      break;
    }
    const title = truncate(
      node === '*'
        ? 'labwarden pipeline'
        : `${escapeText(node)}: ${group.length} alert${group.length === 1 ? '' : 's'}`,
      LIMITS.title,
    );
    const share = Math.max(
      200,
      Math.min(LIMITS.description, Math.floor(budget / Math.max(1, nodes.length - index)) - title.length),
    );
    const lines: string[] = [];
    let used = 0;
    for (const [position, item] of group.entries()) {
      const line = [truncate(itemLine(item), 1000), ...noteLines(item, options.notes?.get(item.fingerprint))].join(
        '\n',
      );
      if (used + line.length + 1 > share - 40) {
        lines.push(`…and ${group.length - position} more`);
        break;
      }
      lines.push(line);
      used += line.length + 1;
    }
    const description = truncate(lines.join('\n'), LIMITS.description);
    budget -= title.length + description.length;
    embeds.push({ title, description, color: worst(group), footer, ...(url ? { url } : {}) });
  }
  const opened = items.filter((item) => !CLEARED.has(item.kind)).length;
  const held = items.some((item) => item.after);
  const extra = options.inhibitedDependents
    ? `; ${options.inhibitedDependents} dependent alert${options.inhibitedDependents === 1 ? '' : 's'} held back behind their cause`
    : '';
  const content = truncate(
    `${held ? 'Still open after maintenance, a silence or quiet hours: ' : ''}labwarden: ${opened} active, ${items.length - opened} cleared${extra}`,
    LIMITS.content,
  );
  const payload: MessagePayload = { content, embeds, allowed_mentions: { parse: [] } };
  if (options.buttons) {
    const rows: { type: 1; components: ButtonPayload[] }[] = [];
    // Four alerts get buttons; the fifth row is the dashboard link (Discord allows 5 rows).
    const active = new Set<NotifyItem['kind']>(['opened', 'escalated', 'reminder', 'flapping']);
    const live = items.filter((entry) => active.has(entry.kind) && !entry.moved);
    for (const item of live.slice(0, LIMITS.rows - 1)) {
      const label = truncate(item.fingerprint, LIMITS.buttonLabel - 4);
      const approve = options.notes?.get(item.fingerprint)?.approve;
      rows.push({
        type: 1,
        components: [
          { type: 2, style: 1, label: `Ack ${label}`, custom_id: buttonId('ack', item.fingerprint) },
          { type: 2, style: 2, label: 'Silence 1h', custom_id: buttonId('silence1h', item.fingerprint) },
          ...(approve
            ? [
                {
                  type: 2 as const,
                  style: 3,
                  label: truncate(`Approve ${approve}`, LIMITS.buttonLabel),
                  custom_id: approveButtonId(approve, item.fingerprint),
                },
              ]
            : []),
        ],
      });
    }
    if (url) rows.push({ type: 1, components: [{ type: 2, style: 5, label: 'Open dashboard', url }] });
    // Always present: an edit that drops the buttons (all resolved) must say so; Discord keeps omitted fields.
    payload.components = rows;
  }
  return payload;
}

/**
 * A button's custom_id: `verb:<fingerprint>` when that fits Discord's 100 characters, else
 * `verb:<ref>` (a short hash the bot resolves through the open incidents). Always fits.
 */
export function buttonId(verb: 'ack' | 'silence1h', fingerprint: string): string {
  const plain = `${verb}:${fingerprint}`;
  return plain.length <= LIMITS.customId ? plain : `${verb}:${fingerprintRef(fingerprint)}`;
}

/**
 * The Approve button's custom_id: `approve:<skill>:<fingerprint>`, or `approve:<skill>:<ref>`
 * when that is over 100 characters (a skill id has at most 63: it always fits). The skill is
 * the one the alert showed, so a click approves what the operator read.
 */
export function approveButtonId(skill: string, fingerprint: string): string {
  const plain = `approve:${skill}:${fingerprint}`;
  return plain.length <= LIMITS.customId ? plain : `approve:${skill}:${fingerprintRef(fingerprint)}`;
}

/** Plain-text rendering for the console sink and `notify --dry-run`. */
export function renderText(payload: MessagePayload): string {
  const lines = [payload.content];
  for (const embed of payload.embeds) {
    lines.push(`## ${embed.title}`, ...embed.description.split('\n').map((line) => `  ${line}`));
  }
  return lines.join('\n');
}
