import { formatTime, isName, parseDuration, type Policy } from '../model/index.js';
import { fingerprintRef, resolveFingerprint } from '../notify/fingerprint-ref.js';
import { escapeText, truncate } from '../notify/message.js';
import type { AdminEventInput } from './admin-appender.js';
import { isOperator, type Actor } from './authorize.js';
import { mayApprove } from '../skills/guardrails.js';
import type { Silence } from '../maintenance/silences.js';
import { COMMANDS, MUTATING, SILENCE_PRESETS } from './commands.js';
import { fitReply } from './reply.js';

export interface CommandRequest {
  command: string;
  subcommand?: string;
  options: Record<string, string | undefined>;
  actor: Actor;
}

export interface OpenIncident {
  fingerprint: string;
  node: string;
  service?: string;
  severity: string;
  drift?: string;
  reason?: string;
}

/** What the bot knows of the repo when it handles a command (read fresh after a pull). */
export interface BotView {
  policy: Policy;
  nodes: string[];
  /** Nodes an operator put in maintenance (the chain's intent): decides whether enter/exit changes anything. */
  maintenance: string[];
  /** Node → its state as status/ holds it, for nodes not Active (with the drain in the CLI's words): what /status shows. */
  states?: Record<string, string>;
  incidents: OpenIncident[];
  /** Silences in force (the notify code's own rule, src/maintenance/silences.ts). */
  silences?: Silence[];
  summary?: string;
  /** status/'s open recommendations and the skills matching each, most specific first (what /approve may approve). */
  approvable?: { fingerprint: string; node: string; skills: string[] }[];
  /** Problems in inventory/skills/: nothing is approved while a homelab skill is broken (as `labwarden approve`). */
  skillProblems?: number;
  /** Fingerprint → the lines /status shows under it: runbook, what diagnostics found (plain text). */
  notes?: Record<string, string[]>;
  /** The kill switch in force (`remediationPause`), if any. */
  paused?: { actor: string; at: string; seq: number };
}

/** What a silence covers, as /status shows it and /unsilence takes it: incident, node/service, or node. */
export function silenceTarget(silence: Pick<Silence, 'matcher'>): string {
  const { node, service, fingerprint } = silence.matcher;
  if (fingerprint) return fingerprint;
  if (service) return service.includes('/') || !node ? service : `${node}/${service}`;
  return node ?? '';
}

/** The silence `value` names: its target, or the reference of a target too long for Discord. */
function resolveSilence(value: string, silences: readonly Silence[]): Silence | undefined {
  return (
    silences.find((silence) => silenceTarget(silence) === value) ??
    (value.startsWith('#') ? silences.find((silence) => fingerprintRef(silenceTarget(silence)) === value) : undefined)
  );
}

function describeSilence(silence: Silence): string {
  const until = silence.until === 'resolved' ? 'until the incident resolves' : `until ${silence.until}`;
  const why = silence.reason ? ` — ${safe(silence.reason, 150)}` : '';
  return `• \`${safe(silenceTarget(silence), 200)}\` ${until}, by ${safe(silence.actor, 100)}${why}`;
}

function helpText(view: BotView): string {
  const { users, roles } = view.policy.operators;
  // Mentions render as names; allowed_mentions (parse: []) keeps them from pinging anyone.
  const who =
    [...users.map((id) => `<@${id}>`), ...roles.map((id) => `<@&${id}>`)].join(', ') ||
    'nobody yet (add `operators:` to inventory/policy.yaml)';
  const line = (command: (typeof COMMANDS)[number]) => `• \`/${command.name}\` — ${command.description}`;
  return [
    '**Everyone** may use:',
    ...COMMANDS.filter((command) => !MUTATING.has(command.name)).map(line),
    `**Operators** (${who}) may also use:`,
    ...COMMANDS.filter((command) => MUTATING.has(command.name)).map(line),
    'Alert buttons: **Ack** acknowledges the incident (no more reminders), **Silence 1h** mutes it for an hour, **Approve** approves the runbook shown. Operators only; approving also needs your user id under `operators.users` or `remediation.approvers`.',
  ].join('\n');
}

export type CommandPlan =
  | { kind: 'reply'; ephemeral: boolean; content: string; refused?: boolean }
  | { kind: 'append'; input: AdminEventInput; summary: string };

const DURATION = /^(\d+(s|m|h|d|w))+$/;
const ACTION: Record<string, AdminEventInput['action']> = { drain: 'drain', cordon: 'cordon', uncordon: 'uncordon' };

function safe(text: string, max = 100): string {
  return truncate(escapeText(text), max);
}

function actorLabel(actor: Actor): string {
  return `discord:${actor.name} (${actor.id})`;
}

function refuse(request: CommandRequest): CommandPlan {
  return {
    kind: 'reply',
    ephemeral: true,
    refused: true,
    content: `You are not an operator of this homelab, so /${request.command} was refused. Operators are listed under \`operators:\` in inventory/policy.yaml.`,
  };
}

function unknownNode(node: string, view: BotView): CommandPlan {
  return {
    kind: 'reply',
    ephemeral: true,
    content: `Unknown node "${safe(node, 63)}". Known nodes: ${view.nodes.map((name) => safe(name, 63)).join(', ') || '(none)'}.`,
  };
}

/**
 * Decides what a command does, from the user, their roles and the arguments: pure, so the
 * authorization and validation rules are tested without Discord.
 */
export function planCommand(request: CommandRequest, view: BotView, now: number): CommandPlan {
  const { command, options, actor } = request;
  if (MUTATING.has(command) && !isOperator(view.policy.operators, actor)) return refuse(request);
  const actorText = actorLabel(actor);
  const reason = options.reason?.slice(0, 300);
  switch (command) {
    case 'maintenance':
    case 'drain':
    case 'cordon':
    case 'uncordon': {
      const node = options.node ?? '';
      if (!isName(node) || !view.nodes.includes(node)) return unknownNode(node, view);
      const action =
        command === 'maintenance'
          ? request.subcommand === 'exit'
            ? 'exit_maintenance'
            : 'enter_maintenance'
          : ACTION[command]!;
      const inMaintenance = view.maintenance.includes(node);
      if (action === 'enter_maintenance' && inMaintenance)
        return { kind: 'reply', ephemeral: false, content: `${node} is already in maintenance; nothing changed.` };
      if (action === 'exit_maintenance' && !inMaintenance)
        return { kind: 'reply', ephemeral: false, content: `${node} is not in maintenance; nothing changed.` };
      return {
        kind: 'append',
        input: { actor: actorText, action, node, ...(reason ? { reason } : {}) },
        summary: `${action.replace('_', ' ')} ${node}`,
      };
    }
    case 'silence': {
      const target = options.target ?? '';
      const duration = options.duration ?? '';
      if (duration !== 'resolved' && !DURATION.test(duration))
        return {
          kind: 'reply',
          ephemeral: true,
          content: `Duration "${safe(duration, 20)}" is not valid: use 15m, 1h, 4h, 1d, 1w, any such as 30m or 2h30m, or "resolved".`,
        };
      const incident = view.nodes.includes(target) ? undefined : resolveFingerprint(target, view.incidents);
      if (!incident && !view.nodes.includes(target))
        return {
          kind: 'reply',
          ephemeral: true,
          content: `Unknown target "${safe(target)}": name a node or an open incident.`,
        };
      if (duration === 'resolved' && !incident)
        return { kind: 'reply', ephemeral: true, content: '"resolved" only applies to an open incident.' };
      const until = duration === 'resolved' ? 'resolved' : formatTime(now + parseDuration(duration));
      const matcher = incident ? { fingerprint: incident.fingerprint } : { node: target };
      return {
        kind: 'append',
        input: {
          actor: actorText,
          action: 'silence',
          ...(incident ? { node: incident.node } : { node: target }),
          matcher,
          until,
          ...(reason ? { reason } : {}),
        },
        summary: `silenced ${incident?.fingerprint ?? target} until ${until}`,
      };
    }
    case 'unsilence': {
      const target = options.target ?? '';
      const silence = resolveSilence(target, view.silences ?? []);
      if (!silence)
        return {
          kind: 'reply',
          ephemeral: true,
          content: `No silence in force for "${safe(target)}". /status lists the silences in force.`,
        };
      return {
        kind: 'append',
        input: {
          actor: actorText,
          action: 'unsilence',
          ...(silence.matcher.node ? { node: silence.matcher.node } : {}),
          matcher: silence.matcher,
          ...(reason ? { reason } : {}),
        },
        summary: `lifted the silence on ${silenceTarget(silence)}`,
      };
    }
    case 'approve': {
      // The chain is what an executor trusts: it can verify a user id in the attribution, never a role.
      if (!mayApprove(view.policy, actorText))
        return {
          kind: 'reply',
          ephemeral: true,
          refused: true,
          content:
            'Approving needs your Discord user id under `operators.users` or `remediation.approvers` in inventory/policy.yaml (a role cannot be checked from the chain), so /approve was refused.',
        };
      if (view.skillProblems)
        return {
          kind: 'reply',
          ephemeral: true,
          content: `${view.skillProblems} problem(s) in inventory/skills/: nothing is approved until \`labwarden validate\` is clean.`,
        };
      const target = options.fingerprint ?? '';
      const open = resolveFingerprint(target, view.approvable ?? []);
      if (!open)
        return {
          kind: 'reply',
          ephemeral: true,
          content: `No open recommendation "${safe(target, 200)}". /status lists them.`,
        };
      const skill = options.skill ?? open.skills[0];
      if (!skill || !open.skills.includes(skill))
        return {
          kind: 'reply',
          ephemeral: true,
          content: skill
            ? `Skill "${safe(skill, 63)}" does not match ${safe(open.fingerprint, 200)}. Matching: ${open.skills.join(', ')}.`
            : `No skill matches ${safe(open.fingerprint, 200)}: there is nothing to approve.`,
        };
      return {
        kind: 'append',
        input: {
          actor: actorText,
          action: 'approve_remediation',
          node: open.node,
          fingerprint: open.fingerprint,
          skill,
        },
        summary: `approved ${skill} for ${open.fingerprint}`,
      };
    }
    case 'remediation': {
      const pause = request.subcommand !== 'resume';
      if (pause && view.paused)
        return {
          kind: 'reply',
          ephemeral: false,
          content: `Remediation is already paused by ${safe(view.paused.actor, 100)} at ${view.paused.at} (seq ${view.paused.seq}); nothing changed.`,
        };
      if (!pause && !view.paused)
        return { kind: 'reply', ephemeral: false, content: 'Remediation is not paused; nothing changed.' };
      return {
        kind: 'append',
        input: {
          actor: actorText,
          action: pause ? 'pause_remediation' : 'resume_remediation',
          ...(pause && reason ? { reason } : {}),
        },
        summary: pause ? 'paused remediation (kill switch)' : 'resumed remediation',
      };
    }
    case 'help':
      return { kind: 'reply', ephemeral: true, content: fitReply(helpText(view)) };
    case 'ack': {
      const target = options.incident ?? '';
      const incident = resolveFingerprint(target, view.incidents);
      if (!incident)
        return {
          kind: 'reply',
          ephemeral: true,
          content: `No open incident "${safe(target)}". /incidents lists them.`,
        };
      return {
        kind: 'append',
        input: { actor: actorText, action: 'ack', node: incident.node, fingerprint: incident.fingerprint },
        summary: `acknowledged ${incident.fingerprint}`,
      };
    }
    case 'status': {
      const only = options.node;
      if (only !== undefined && !view.nodes.includes(only)) return unknownNode(only, view);
      const nodes = only ? [only] : view.nodes;
      const lines = nodes.map((node) => {
        const open = view.incidents.filter((incident) => incident.node === node).length;
        const state = view.states?.[node];
        const head = `• **${safe(node, 63)}**${state ? ` (${state})` : ''}: ${open === 0 ? 'no open incidents' : `${open} open incident${open === 1 ? '' : 's'}`}`;
        // Under each open item: its runbook and what diagnostics found, one short escaped line each.
        const notes = view.incidents
          .filter((incident) => incident.node === node && view.notes?.[incident.fingerprint]?.length)
          .flatMap((incident) => [
            `  ◦ \`${incident.fingerprint}\``,
            ...view.notes![incident.fingerprint]!.map((note) => `    ↳ ${safe(note, 200)}`),
          ]);
        return [head, ...notes].join('\n');
      });
      const silences = (view.silences ?? []).filter(
        (silence) => !only || silence.matcher.node === undefined || silence.matcher.node === only,
      );
      const silenced =
        silences.length === 0
          ? ['No silences in force.']
          : [`Silences in force (${silences.length}):`, ...silences.map(describeSilence)];
      return {
        kind: 'reply',
        ephemeral: false,
        content: fitReply([`Summary: **${view.summary ?? 'unknown'}**`, ...lines, ...silenced].join('\n')),
      };
    }
    case 'incidents': {
      if (view.incidents.length === 0) return { kind: 'reply', ephemeral: false, content: 'No open incidents.' };
      const lines = view.incidents.map(
        (incident) =>
          `• \`${incident.fingerprint}\` ${incident.severity}${incident.reason ? ` — ${safe(incident.reason, 150)}` : ''}`,
      );
      return { kind: 'reply', ephemeral: false, content: fitReply(lines.join('\n')) };
    }
    default:
      return { kind: 'reply', ephemeral: true, content: `Unknown command /${safe(command, 32)}.` };
  }
}

/** Buttons on alert messages map onto the same commands (and the same authorization). */
export function requestFromButton(customId: string, actor: Actor): CommandRequest | undefined {
  const [verb, ...rest] = customId.split(':');
  const fingerprint = rest.join(':');
  if (verb === 'ack') return { command: 'ack', options: { incident: fingerprint }, actor };
  if (verb === 'approve') {
    // approve:<skill>:<fingerprint or its reference>: the skill the alert showed.
    const [skill, ...target] = rest;
    return { command: 'approve', options: { fingerprint: target.join(':'), skill: skill ?? '' }, actor };
  }
  if (verb === 'silence1h')
    return {
      command: 'silence',
      options: { target: fingerprint, duration: '1h', reason: 'silenced from an alert' },
      actor,
    };
  return undefined;
}

/** Discord: at most 25 choices, name and value at most 100 characters each. */
const CHOICES = 25;
const CHOICE_LENGTH = 100;

/**
 * Autocomplete choices: nodes, or open incidents, filtered by what was typed. A fingerprint
 * longer than a choice value may be travels as its reference (`#…`), which ack and silence
 * resolve back; the name shows its start and end, where node and drift are.
 */
export function autocompleteChoices(
  option: string,
  typed: string,
  view: BotView,
  command = '',
  /** /approve's skill: the fingerprint already chosen, whose matching skills are offered. */
  fingerprint?: string,
): { name: string; value: string }[] {
  if (option === 'duration') return durationChoices(typed);
  const values =
    command === 'unsilence'
      ? (view.silences ?? []).map(silenceTarget)
      : option === 'node'
        ? view.nodes
        : option === 'incident'
          ? view.incidents.map((incident) => incident.fingerprint)
          : option === 'fingerprint'
            ? (view.approvable ?? []).filter((rec) => rec.skills.length > 0).map((rec) => rec.fingerprint)
            : option === 'skill'
              ? fingerprint
                ? (resolveFingerprint(fingerprint, view.approvable ?? [])?.skills ?? [])
                : [...new Set((view.approvable ?? []).flatMap((rec) => rec.skills))].sort()
              : [...view.nodes, ...view.incidents.map((incident) => incident.fingerprint)];
  return values
    .filter((value) => value.includes(typed.toLowerCase()))
    .slice(0, CHOICES)
    .map((value) =>
      value.length <= CHOICE_LENGTH
        ? { name: value, value }
        : { name: `${value.slice(0, 60)}…${value.slice(-(CHOICE_LENGTH - 61))}`, value: fingerprintRef(value) },
    );
}

/** /silence's duration: the presets matching what was typed, and what was typed when it is a valid duration of its own. */
function durationChoices(typed: string): { name: string; value: string }[] {
  const text = typed.trim().toLowerCase();
  const presets = SILENCE_PRESETS.filter((preset) => preset.value.startsWith(text) || preset.name.startsWith(text)).map(
    (preset) => ({ ...preset }),
  );
  const own =
    (DURATION.test(text) || text === 'resolved') && !presets.some((preset) => preset.value === text)
      ? [{ name: text, value: text }]
      : [];
  const resolved =
    'resolved'.startsWith(text) && text !== 'resolved'
      ? [{ name: 'until the incident resolves', value: 'resolved' }]
      : [];
  return [...own, ...presets, ...resolved].slice(0, CHOICES);
}
