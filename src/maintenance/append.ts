import { appendWhole } from '../fs/atomic.js';
import path from 'node:path';
import { UserError } from '../errors/problem.js';
import {
  AdminEvent,
  NODE_ACTIONS,
  SilenceMatcher,
  formatTime,
  isName,
  LIMITS,
  parseTime,
  type AdminAction,
  type NodeMaintenance,
} from '../model/index.js';
import { foldIncidents, INCIDENTS_FILE } from '../chronicle/index.js';
import { buildRepoModel, chronicleFile, readRepoSources, type RepoModel } from '../repo/index.js';
import { closest } from '../repo/suggest.js';
import { ADMIN_FILE, formatAdminLine } from './chain.js';
import { maintenanceViews } from './from-model.js';
import { withLock } from './lock.js';
import { activeSilences, acknowledgements, sameMatcher } from './silences.js';
import { deriveNodeStates, describeDrain } from './state.js';

export interface AdminRequest {
  actor: string;
  action: AdminAction;
  node?: string;
  reason?: string;
  until?: string;
  matcher?: { node?: string; service?: string; fingerprint?: string };
  fingerprint?: string;
  /** approve_remediation: the skill approved. */
  skill?: string;
}

export interface AppendOutcome {
  /** The event appended, or (changed = false) the one that would have been. */
  event: AdminEvent;
  changed: boolean;
  /** One line for a person: what happened, or why nothing did. */
  message: string;
}

const LOCK_FILE = '.labwarden/admin.lock';

/**
 * Appends one admin event to chronicle/admin.jsonl: the only writer of the chain, shared by
 * the CLI and the Discord bot. Refuses unknown nodes and a broken chain (UserError); a request
 * that changes nothing (exit on an Active node, entering twice) appends nothing and says so.
 */
export async function appendAdminEvent(
  repo: string,
  request: AdminRequest,
  options: { now: number },
): Promise<AppendOutcome> {
  checkRequest(request, options.now);
  return withLock(path.join(repo, LOCK_FILE), async () => {
    const model = buildRepoModel(await readRepoSources(repo));
    checkNames(request, model);
    const openIncidents = openFingerprints(model);
    if (request.until === 'resolved' && !openIncidents.has(request.matcher!.fingerprint!)) {
      throw new UserError(
        `no open incident "${request.matcher!.fingerprint}" in ${INCIDENTS_FILE}: a silence until resolved needs one`,
        {
          hint: 'Name an open incident (`labwarden status` lists them), or silence for a time with --for 2h.',
        },
      );
    }
    if (model.admin.break) {
      throw new UserError(
        `${ADMIN_FILE} is broken at seq ${model.admin.break.seq} (line ${model.admin.break.line}): ${model.admin.break.reason}; nothing appended`,
        {
          hint: 'Appending would chain onto edited history. Restore the file from git (`git checkout <commit> -- chronicle/admin.jsonl`), then run the command again.',
        },
      );
    }
    // Events are in time order along the chain: a clock behind the tail's (another machine's, or an
    // old --now) records at the tail's time, the same rule converge applies to a re-appended event.
    const tail = model.admin.events.at(-1);
    const at = tail ? Math.max(options.now, parseTime(tail.at)) : options.now;
    const parsed = AdminEvent.safeParse({
      seq: model.admin.events.length + 1,
      at: formatTime(at),
      actor: request.actor,
      action: request.action,
      node: request.node ?? null,
      reason: request.reason ?? null,
      prev: model.admin.head,
      ...(request.until !== undefined
        ? { until: request.until === 'resolved' ? 'resolved' : formatTime(parseTime(request.until)) }
        : {}),
      ...(request.matcher !== undefined ? { matcher: request.matcher } : {}),
      ...(request.fingerprint !== undefined ? { fingerprint: request.fingerprint } : {}),
      ...(request.skill !== undefined ? { skill: request.skill } : {}),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UserError(`${issue.path.join('.') || 'event'}: ${issue.message}`);
    }
    const event = parsed.data;
    const views = maintenanceViews(model, options.now);
    const before = deriveNodeStates(model.admin.events, views, model.policy, options.now);
    const noop = noChange(event, model, before, options.now, (fingerprint) => openIncidents.has(fingerprint));
    if (noop) return { event, changed: false, message: noop };

    // All or nothing, as every chronicle append: a plain append can stop mid-line on a full
    // disk ("118 of 197 bytes") or under kill -9, and a torn line breaks the chain for every
    // later command. appendWhole also refuses a symlink out of the repo and maps ENOSPC to a
    // WriteError (exit 1, one line and a hint).
    await appendWhole(repo, ADMIN_FILE, `${formatAdminLine(event)}\n`);
    const after = deriveNodeStates([...model.admin.events, event], views, model.policy, options.now);
    return { event, changed: true, message: describeChange(event, before, after) };
  });
}

function checkRequest(request: AdminRequest, now: number): void {
  const fail = (message: string, hint?: string) => {
    throw new UserError(message, hint ? { hint } : {});
  };
  if (!request.actor || /[\r\n]/.test(request.actor) || request.actor.length > LIMITS.actorChars)
    fail(`actor: a name on one line (at most ${LIMITS.actorChars} characters) is required`, 'Pass --actor NAME.');
  if (request.reason !== undefined && request.reason.length > LIMITS.adminReasonChars)
    fail(`reason: at most ${LIMITS.adminReasonChars} characters`);
  if (NODE_ACTIONS.includes(request.action) && request.node === undefined) fail(`${request.action} needs a node`);
  if (request.node !== undefined && !isName(request.node))
    fail(`"${request.node}" is not a node name: lowercase letters, digits and inner dashes`);
  if (request.action === 'silence' || request.action === 'unsilence') {
    if (!request.matcher) fail(`${request.action} needs a matcher: a node, a service or a fingerprint`);
    const matcher = SilenceMatcher.safeParse(request.matcher);
    if (!matcher.success) fail(`matcher: ${matcher.error.issues[0]!.message}`);
  }
  if (request.action === 'silence' && request.until === 'resolved') {
    // Tied to one incident's life: the matcher must name that incident.
    if (request.matcher?.fingerprint === undefined)
      fail(
        'a silence until resolved needs an incident fingerprint in its matcher',
        'Pass --fingerprint ID (`labwarden status` lists open incidents), or silence for a time with --for 2h.',
      );
  } else if (request.action === 'silence') {
    const until = request.until === undefined ? Number.NaN : parseTime(request.until);
    if (Number.isNaN(until))
      fail('silence needs `until`, an ISO timestamp', 'Pass --for 2h or --until 2026-11-22T12:00:00Z.');
    if (until <= now) fail(`silence until ${request.until} is not in the future`);
  }
  if (request.action === 'ack' && !request.fingerprint) fail('ack needs an incident fingerprint');
  if (request.action === 'approve_remediation' && (!request.fingerprint || !request.skill)) {
    fail('approve_remediation needs a fingerprint and a skill');
  }
}

function checkNames(request: AdminRequest, model: RepoModel): void {
  const known = [...model.inventory.nodes.keys()].sort();
  const checkNode = (node: string, what: string) => {
    if (model.inventory.nodes.has(node)) return;
    const guess = closest(node, known);
    throw new UserError(`unknown node "${node}"${what}${guess ? ` (did you mean "${guess}"?)` : ''}`, {
      hint: `Known nodes: ${known.join(', ') || 'none (inventory/hosts/ is empty)'}.`,
    });
  };
  if (request.node !== undefined) checkNode(request.node, '');
  if (request.matcher?.node !== undefined) checkNode(request.matcher.node, ' in the matcher');
  const service = request.matcher?.service;
  if (service !== undefined) {
    const [node, name] = service.includes('/') ? service.split('/') : [undefined, service];
    if (node !== undefined) checkNode(node, ' in the matcher');
    const candidates = [...model.inventory.nodes.values()]
      .filter((n) => node === undefined || n.name === node)
      .flatMap((n) => n.services.map((s) => s.name));
    if (!candidates.includes(name!)) {
      const guess = closest(name!, candidates);
      throw new UserError(`unknown service "${service}" in the matcher${guess ? ` (did you mean "${guess}"?)` : ''}`, {
        hint: 'Name a service listed in inventory/hosts/<node>/services.yaml, as service or node/service.',
      });
    }
  }
}

const IN_MAINTENANCE = new Set(['EnteringMaintenance', 'Maintenance', 'DrainFailed']);

/** Why the event would change nothing, or undefined when it changes something. */
function noChange(
  event: AdminEvent,
  model: RepoModel,
  states: Map<string, NodeMaintenance>,
  now: number,
  isOpen: (fingerprint: string) => boolean,
): string | undefined {
  const node = event.node ?? '';
  const state = states.get(node);
  const label = state ? `${state.state}${state.since ? ` since ${state.since}` : ''}` : '';
  switch (event.action) {
    case 'enter_maintenance':
    case 'drain':
      return state && IN_MAINTENANCE.has(state.state) ? `${node} is already ${label}; nothing to do` : undefined;
    case 'exit_maintenance':
      if (state?.state === 'ExitingMaintenance')
        return `${node} is already ExitingMaintenance since ${state.since}; nothing to do`;
      return state && !IN_MAINTENANCE.has(state.state)
        ? `${node} is not in maintenance (${label}); nothing to do`
        : undefined;
    case 'cordon':
      return state?.cordoned ? `${node} is already cordoned (${label}); nothing to do` : undefined;
    case 'uncordon':
      return state?.state === 'Active'
        ? `${node} is not cordoned and not in maintenance (${label}); nothing to do`
        : undefined;
    case 'silence': {
      const same = activeSilences(model.admin.events, now, isOpen).find((s) => sameMatcher(s.matcher, event.matcher!));
      return same && same.until === event.until
        ? `an identical silence (seq ${same.seq}) is already active until ${same.until}; nothing to do`
        : undefined;
    }
    case 'unsilence':
      return activeSilences(model.admin.events, now, isOpen).some((s) => sameMatcher(s.matcher, event.matcher!))
        ? undefined
        : 'no active silence has this matcher; nothing to do';
    case 'ack': {
      const ack = acknowledgements(model.admin.events).get(event.fingerprint!);
      return ack
        ? `${event.fingerprint} was already acknowledged by ${ack.actor} at ${ack.at} (seq ${ack.seq}); nothing to do`
        : undefined;
    }
    // Every approval is its own attributed event: two operators approving is two lines.
    case 'approve_remediation':
      return undefined;
    case 'pause_remediation':
    case 'resume_remediation': {
      const pause = remediationPause(model.admin.events);
      if (event.action === 'pause_remediation' && pause) {
        return `remediation is already paused by ${pause.actor} at ${pause.at} (seq ${pause.seq}); nothing to do`;
      }
      return event.action === 'resume_remediation' && !pause ? 'remediation is not paused; nothing to do' : undefined;
    }
  }
}

/** The kill switch: the pause in force (the last pause_remediation not followed by a resume), if any. */
export function remediationPause(events: readonly AdminEvent[]): AdminEvent | undefined {
  let pause: AdminEvent | undefined;
  for (const event of events) {
    if (event.action === 'pause_remediation') pause ??= event;
    else if (event.action === 'resume_remediation') pause = undefined;
  }
  return pause;
}

function describeChange(
  event: AdminEvent,
  before: Map<string, NodeMaintenance>,
  after: Map<string, NodeMaintenance>,
): string {
  const recorded = `${event.action} recorded as seq ${event.seq}`;
  if (event.node === null || !NODE_ACTIONS.includes(event.action)) {
    if (event.action === 'silence')
      return `${recorded}: silenced ${JSON.stringify(event.matcher)} until ${event.until === 'resolved' ? 'the incident resolves' : event.until}`;
    if (event.action === 'unsilence') return `${recorded}: lifted silences matching ${JSON.stringify(event.matcher)}`;
    if (event.action === 'approve_remediation') {
      return `${recorded}: ${event.skill} approved for ${event.fingerprint} by ${event.actor}`;
    }
    if (event.action === 'pause_remediation') {
      return `${recorded}: remediation paused (kill switch); no executor acts until resumed`;
    }
    if (event.action === 'resume_remediation') return `${recorded}: remediation resumed`;
    return `${recorded}: ${event.fingerprint} acknowledged`;
  }
  const from = before.get(event.node)!;
  const to = after.get(event.node)!;
  const drain = to.drain
    ? ` (${describeDrain(to.drain)}${to.drain.blockers.length ? `; blocked: ${to.drain.blockers.map((b) => b.reason).join('; ')}` : ''})`
    : '';
  return `${event.node}: ${recorded}; ${from.state}${from.cordoned && from.state !== 'Cordoned' ? ' (cordoned)' : ''} -> ${to.state}${to.cordoned && to.state !== 'Cordoned' ? ' (cordoned)' : ''}${drain}`;
}

/** Fingerprints of the incidents open now, from the chronicle fold (lines that do not parse are validate's business). */
function openFingerprints(model: RepoModel): Set<string> {
  const { lines } = chronicleFile(model, INCIDENTS_FILE);
  return new Set([...foldIncidents(lines)].filter(([, state]) => state.open).map(([fingerprint]) => fingerprint));
}
