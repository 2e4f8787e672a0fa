import { formatTime, SEVERITY_RANK, type Policy, type Severity } from '../model/index.js';
import { isSilenced } from '../maintenance/silences.js';
import type { AdminView, Silence } from './admin-view.js';
import { sortIncidentLines, type IncidentLine } from './incident-line.js';
import { foldIncidents, type IncidentState, type IncidentSubject } from './incident-state.js';
import { hashHex, withLineId, type DecisionLine, type ItemKind, type SuppressReason } from './log-line.js';
import type { GateMemory, Member } from './memory.js';
import { activeWindow } from '../chronicle/windows.js';
import { emptyTopology, type NotifyTopology } from './topology.js';

/** One thing the run's message announces. */
export interface NotifyItem extends IncidentSubject {
  kind: ItemKind;
  episode?: string;
  key: string;
  /** Set when this announces something held back by maintenance, a silence or quiet hours. */
  after?: string;
  /** offline_node: service-level alerts on the node inhibited under this root cause. */
  inhibited?: number;
  /** stable: whether the incident is still open. */
  open?: boolean;
  /** How this run shows it: in the run's new post, or by editing the incident's live message. */
  via?: 'post' | 'edit';
  /** In a live message's view: acknowledged, silenced, or announced again in a newer message. */
  acked?: boolean;
  silenced?: boolean;
  moved?: boolean;
  /** In a live message's view: diagnostics ran this episode (the message then shows what they found). */
  diagnosed?: boolean;
}

/** An edit of a live message: what it shows now (one item per incident it announced). */
export interface LiveEdit {
  /** Key of the posted message this edits. */
  target: string;
  /** Idempotency key of the edit. */
  key: string;
  items: NotifyItem[];
  /** Normalized signature of `items`: an edit is queued only when it changes. */
  sig: string;
}

export interface NotifyInput {
  /** Every incident line; those already consumed (per memory) are not re-decided. */
  incidents: readonly IncidentLine[];
  memory: GateMemory;
  admin: AdminView;
  policy: Policy;
  /** Inventory nodes: when all of them are offline at once, the pipeline stopped. */
  nodes: readonly string[];
  /** Policy maintenance windows per node and service dependencies (default: none). */
  topology?: NotifyTopology;
  /** Fingerprints whose diagnostics ran this episode (chronicle/diagnostics.jsonl): their live message is edited once to show it. */
  diagnosed?: ReadonlySet<string>;
  now: number;
}

export interface NotifyPlan {
  items: NotifyItem[];
  /** Dependency alerts inhibited because their cause is already known. */
  inhibitedDependents: number;
  decisions: DecisionLine[];
  /** Idempotency key of the one new post, or null when nothing is posted. */
  messageKey: string | null;
  /** Signature of what the new post shows (its live view), when there is one. */
  postSig?: string;
  /** Live messages whose view changed: edited, which notifies nobody. */
  edits: LiveEdit[];
}

type Verdict =
  | { item: Omit<NotifyItem, 'key'>; suffix?: string }
  | { suppressed: SuppressReason; kind: ItemKind; held?: boolean; log?: boolean };

const PIPELINE = '_pipeline';

function minutesOfDay(ms: number): number {
  const date = new Date(ms);
  return date.getUTCHours() * 60 + date.getUTCMinutes();
}

export function inQuietHours(window: Policy['quiet_hours'], now: number): boolean {
  if (!window) return false;
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const start = toMinutes(window.start);
  const end = toMinutes(window.end);
  const at = minutesOfDay(now);
  return start <= end ? at >= start && at < end : at >= start || at < end;
}

function silenced(silences: readonly Silence[], state: IncidentState): boolean {
  return silences.some(
    // `until: resolved` is tied to the episode open when the silence was set: it ends with it.
    (silence) =>
      isSilenced([silence], state) && (silence.end !== 'resolved' || (state.open && state.openedAt <= silence.from)),
  );
}

function describe(state: IncidentState): Omit<NotifyItem, 'key' | 'kind'> {
  const { fingerprint, node, service, drift, severity, recommendation, action, reason, episode } = state;
  return Object.fromEntries(
    Object.entries({ fingerprint, node, service, drift, severity, recommendation, action, reason, episode }).filter(
      ([, value]) => value !== undefined,
    ),
  ) as unknown as Omit<NotifyItem, 'key' | 'kind'>;
}

/**
 * NotifyGate: decides, from the chronicle and what was already announced, what this run
 * tells the operator. Pure: the same inputs give the same plan. Level-triggered (the
 * announced state is compared with the incident state), so when a silence, maintenance
 * or quiet hours end, whatever is still open is announced by that very run.
 */
export function planNotifications(input: NotifyInput): NotifyPlan {
  const { memory, admin, policy, now } = input;
  const states = foldIncidents(input.incidents, now, policy.stabilize_for);
  const fresh = new Map<string, string[]>();
  for (const line of sortIncidentLines(input.incidents)) {
    if (Date.parse(line.at) > now || memory.consumed.has(line.id)) continue;
    fresh.set(line.fingerprint, [...(fresh.get(line.fingerprint) ?? []), line.id]);
  }
  const quiet = inQuietHours(policy.quiet_hours, now);
  const topology = input.topology ?? emptyTopology();
  // Nodes in maintenance: by an operator (admin chain) or by a policy window open now.
  const maintenance = new Set([
    ...admin.maintenance,
    ...Object.keys(topology.windows).filter((node) => activeWindow(topology.windows[node]!, now)),
  ]);
  const openStates = [...states.values()].filter((state) => state.open);
  const offlineNow = new Set(openStates.filter((state) => state.drift === 'offline_node').map((state) => state.node));
  const allStale = input.nodes.length >= 2 && input.nodes.every((node) => offlineNow.has(node));
  // A root cause that has just cleared still inhibits for stabilize_for: its dependents need a
  // run or two to come back, and their recoveries should not arrive as news of their own.
  const recovering = (state: IncidentState) =>
    !state.open && state.closedAt !== undefined && now - state.closedAt < policy.stabilize_for;
  const offline = new Set([
    ...offlineNow,
    ...[...states.values()]
      .filter((state) => state.drift === 'offline_node' && recovering(state))
      .map((state) => state.node),
  ]);
  const inhibitedOn = new Map<string, number>();
  let inhibitedDependents = 0;
  const minRank = SEVERITY_RANK[policy.min_severity];
  // Services with an open incident worth an alert: their dependents' alerts wait behind them.
  const downServices = new Set(
    openStates
      .filter(
        (state) =>
          state.service !== undefined &&
          state.drift !== 'dependency_unavailable' &&
          !state.flapping &&
          SEVERITY_RANK[state.severity] >= minRank,
      )
      .map((state) => `${state.node}/${state.service}`),
  );

  const hold = (state: IncidentState, kind: ItemKind): Verdict | undefined =>
    quiet && state.severity !== 'critical' ? { suppressed: 'quiet_hours', kind, held: true } : undefined;

  /** Root-cause collapse: alerts whose cause is already announced are counted, not sent. */
  const inhibited = (state: IncidentState): boolean => {
    if (state.drift !== 'offline_node' && offline.has(state.node)) {
      inhibitedOn.set(state.node, (inhibitedOn.get(state.node) ?? 0) + 1);
      return true;
    }
    if (state.drift === 'dependency_unavailable') {
      inhibitedDependents += 1;
      return true;
    }
    for (const dependency of state.service === undefined
      ? []
      : (topology.dependsOn[`${state.node}/${state.service}`] ?? [])) {
      const node = dependency.slice(0, dependency.indexOf('/'));
      if (offline.has(node)) {
        inhibitedOn.set(node, (inhibitedOn.get(node) ?? 0) + 1);
        return true;
      }
      if (downServices.has(dependency)) {
        inhibitedDependents += 1;
        return true;
      }
    }
    return false;
  };

  const judge = (state: IncidentState): Verdict => {
    const base = describe(state);
    const any = memory.announced.get(state.fingerprint);
    const announced = any?.episode === state.episode ? any : undefined;
    const gate = (): SuppressReason | undefined => {
      if (SEVERITY_RANK[state.severity] < minRank) return 'below_min_severity';
      if (maintenance.has(state.node)) return 'maintenance';
      if (silenced(admin.silences, state)) return 'silence';
      return undefined;
    };
    if (state.flapping) {
      if (any?.flapping) return { suppressed: 'flapping', kind: 'flapping' };
      const reason = gate();
      if (reason) return { suppressed: reason, kind: 'flapping' };
      return hold(state, 'flapping') ?? { item: { ...base, kind: 'flapping' } };
    }
    if (any?.flapping)
      return (
        hold(state, 'stable') ?? {
          item: { ...base, kind: 'stable', open: state.open },
          suffix: state.open ? 'open' : 'closed',
        }
      );
    if (!state.open) {
      if (announced && !announced.resolved) {
        // A resolve must hold for stabilize_for before it is announced: a flip is not a recovery.
        if (state.closedAt !== undefined && now - state.closedAt < policy.stabilize_for)
          return { suppressed: 'stabilizing', kind: 'resolved', held: true };
        if (!policy.send_resolved) return { suppressed: 'send_resolved_off', kind: 'resolved' };
        return hold(state, 'resolved') ?? { item: { ...base, kind: 'resolved' } };
      }
      const held = memory.held.get(state.fingerprint);
      if (held?.episode === state.episode && held.reason === 'quiet_hours' && !announced) {
        return quiet
          ? { suppressed: 'quiet_hours', kind: 'resolved_while_held', held: true }
          : { item: { ...base, kind: 'resolved_while_held' } };
      }
      if (fresh.get(state.fingerprint)?.includes(state.episode)) {
        // Opened and resolved between two runs: still an incident the operator should hear of,
        // unless it happened inside a policy maintenance window (the chronicle tagged it).
        const reason = gate() ?? (state.maintenanceWindow !== undefined ? 'maintenance' : undefined);
        if (reason) return { suppressed: reason, kind: 'transient' };
        if (inhibited(state)) return { suppressed: 'inhibited', kind: 'transient' };
        if (policy.alert_after > 0) return { suppressed: 'alert_after', kind: 'transient' };
        return hold(state, 'transient') ?? { item: { ...base, kind: 'transient' } };
      }
      return { suppressed: 'never_announced', kind: 'resolved' };
    }
    const reason = gate();
    if (reason && announced && reason !== 'below_min_severity') {
      // Announced before the maintenance or silence began: remember it (once) for the summary.
      const known = memory.held.get(state.fingerprint);
      return {
        suppressed: reason,
        kind: 'reminder',
        held: true,
        log: !(known?.episode === state.episode && known.reason === reason),
      };
    }
    if (reason) return { suppressed: reason, kind: 'opened', held: reason !== 'below_min_severity' };
    if (allStale && state.drift === 'offline_node') return { suppressed: 'pipeline_stale', kind: 'opened' };
    if (inhibited(state)) return { suppressed: 'inhibited', kind: 'opened' };
    if (!announced) {
      if (now - state.openedAt < policy.alert_after) return { suppressed: 'alert_after', kind: 'opened', held: true };
      const after = memory.held.get(state.fingerprint);
      return (
        hold(state, 'opened') ?? {
          item: { ...base, kind: 'opened', ...(after?.episode === state.episode ? { after: after.reason } : {}) },
        }
      );
    }
    const after = memory.held.get(state.fingerprint);
    if (after?.episode === state.episode && (after.reason === 'maintenance' || after.reason === 'silence')) {
      // The maintenance or silence ended while this is still open: say so now, not after repeat_interval.
      return { item: { ...base, kind: 'reminder', after: after.reason }, suffix: `a${announced.reminders + 1}` };
    }
    if (SEVERITY_RANK[state.severity] > SEVERITY_RANK[announced.severity])
      return hold(state, 'escalated') ?? { item: { ...base, kind: 'escalated' } };
    if (now - announced.lastAt >= policy.repeat_interval) {
      const ackAt = admin.acks[state.fingerprint];
      if (ackAt !== undefined && ackAt >= state.openedAt) return { suppressed: 'ack', kind: 'reminder' };
      return hold(state, 'reminder') ?? { item: { ...base, kind: 'reminder' }, suffix: `r${announced.reminders + 1}` };
    }
    return { suppressed: 'duplicate', kind: 'opened' };
  };

  const items: NotifyItem[] = [];
  const decisions: Omit<DecisionLine, 'id' | 'message'>[] = [];
  const at = formatTime(now);
  const fingerprints = [...states.keys()].sort();
  for (const fingerprint of fingerprints) {
    const state = states.get(fingerprint)!;
    const lines = fresh.get(fingerprint) ?? [];
    const verdict = judge(state);
    if ('item' in verdict) {
      const key = [
        fingerprint,
        state.episode,
        verdict.item.kind,
        state.severity,
        state.revision ?? '',
        verdict.suffix ?? '',
      ].join('|');
      if (!memory.sentKeys.has(key)) {
        items.push({ ...verdict.item, key });
        decisions.push({
          at,
          type: 'decision',
          decision: 'sent',
          kind: verdict.item.kind,
          fingerprint,
          episode: state.episode,
          severity: state.severity,
          key,
          lines,
          ...(verdict.item.open !== undefined ? { open: verdict.item.open } : {}),
        });
        continue;
      }
      if (lines.length > 0)
        decisions.push({
          at,
          type: 'decision',
          decision: 'suppressed',
          kind: verdict.item.kind,
          fingerprint,
          episode: state.episode,
          severity: state.severity,
          reason: 'duplicate',
          key,
          lines,
        });
      continue;
    }
    const remindedAck = verdict.suppressed === 'ack';
    if (lines.length > 0 || remindedAck || verdict.log) {
      decisions.push({
        at,
        type: 'decision',
        decision: verdict.held ? 'held' : 'suppressed',
        kind: verdict.kind,
        fingerprint,
        episode: state.episode,
        severity: state.severity,
        reason: verdict.suppressed,
        lines,
      });
    }
  }
  for (const item of items) {
    const count = item.drift === 'offline_node' ? inhibitedOn.get(item.node) : undefined;
    if (count) item.inhibited = count;
  }
  const openEpisodes = openStates
    .filter((state) => state.drift === 'offline_node')
    .map((state) => state.episode)
    .sort();
  if (allStale && !memory.pipelineStale) {
    const key = `${PIPELINE}|${openEpisodes.at(-1)}|pipeline_stale`;
    items.unshift({
      kind: 'pipeline_stale',
      fingerprint: PIPELINE,
      node: '*',
      severity: 'critical',
      key,
      inhibited: input.nodes.length,
    });
    decisions.unshift({
      at,
      type: 'decision',
      decision: 'sent',
      kind: 'pipeline_stale',
      fingerprint: PIPELINE,
      severity: 'critical',
      key,
      lines: [],
    });
  } else if (!allStale && memory.pipelineStale) {
    const key = `${memory.pipelineStale}|recovered`;
    items.unshift({ kind: 'pipeline_recovered', fingerprint: PIPELINE, node: '*', severity: 'info', key });
    decisions.unshift({
      at,
      type: 'decision',
      decision: 'sent',
      kind: 'pipeline_recovered',
      fingerprint: PIPELINE,
      severity: 'info',
      key,
      lines: [],
    });
  }
  const live = liveMessages({ items, memory, states, admin, diagnosed: input.diagnosed });
  const carried = new Map<string, { message: string; via?: 'edit' }>();
  for (const item of items) {
    const message =
      item.via === 'edit'
        ? live.edits.find((edit) => edit.items.some((entry) => entry.fingerprint === item.fingerprint))?.key
        : live.messageKey;
    if (message) carried.set(item.key, { message, ...(item.via === 'edit' ? { via: 'edit' as const } : {}) });
  }
  return {
    items,
    inhibitedDependents,
    decisions: decisions.map((decision) => {
      const sent = decision.decision === 'sent' && typeof decision.key === 'string';
      const carrier = sent ? carried.get(decision.key as string) : undefined;
      return withLineId(carrier ? { ...decision, ...carrier } : decision);
    }) as DecisionLine[],
    ...live,
  };
}

/** Transitions shown by editing the incident's live message rather than in a new post. */
const EDITED = new Set<ItemKind>(['escalated', 'flapping', 'stable']);
/** Kinds that close an incident: its live message shows it resolved. */
const CLOSED = new Set<ItemKind>(['resolved', 'resolved_while_held', 'transient']);

/**
 * One live message per alert group: routes each item to the run's new post or to an edit of
 * the message that announced the incident, and computes which live messages changed.
 * Openings, reminders and anything never announced are posted (they notify). Escalation,
 * flapping and stable-again edit. A resolution is posted (one short grouped message, as
 * PRODUCT.md says: people want to hear that it is over), and its live message is edited to show
 * it resolved. Acks and silences change the view, so they edit. Mutates `items[].via`.
 */
function liveMessages(input: {
  items: NotifyItem[];
  memory: GateMemory;
  states: Map<string, IncidentState>;
  admin: AdminView;
  diagnosed?: ReadonlySet<string> | undefined;
}): Pick<NotifyPlan, 'messageKey' | 'postSig' | 'edits'> {
  const { items, memory, states, admin } = input;
  const liveOf = (item: NotifyItem): string | undefined => {
    const group = memory.groupOf.get(item.fingerprint);
    return group && item.episode !== undefined && group.episode === item.episode ? group.message : undefined;
  };
  for (const item of items) {
    const target = liveOf(item);
    const edited = EDITED.has(item.kind);
    item.via = target && edited ? 'edit' : 'post';
  }
  const posted = items.filter((item) => item.via === 'post');
  const messageKey =
    posted.length > 0
      ? `n${hashHex(
          posted
            .map((item) => item.key)
            .sort()
            .join('\n'),
          24,
        )}`
      : null;
  const current = new Map(items.map((item) => [item.fingerprint, item]));
  const announces = (item: NotifyItem) =>
    item.via === 'post' && item.episode !== undefined && item.kind !== 'resolved' && item.kind !== 'pipeline_recovered';
  const view = (member: Member, message: string): NotifyItem => {
    const state = states.get(member.fingerprint)!;
    const fresh = current.get(member.fingerprint);
    const latest = fresh && announces(fresh) ? messageKey : memory.groupOf.get(member.fingerprint)?.message;
    const announced = memory.announced.get(member.fingerprint);
    let kind: ItemKind = 'resolved';
    let severity = state.severity;
    if (fresh && fresh.episode === member.episode) {
      kind = fresh.kind === 'stable' && fresh.open === false ? 'resolved' : fresh.kind;
      severity = fresh.severity;
    } else if (announced?.episode === member.episode) {
      kind = announced.resolved ? 'resolved' : announced.flapping ? 'flapping' : announced.kind;
      severity = announced.severity;
    }
    // Announced again in a newer post (a reminder): this message points there and stays still.
    const moved = !CLOSED.has(kind) && latest !== message;
    const open = !CLOSED.has(kind) && !moved && state.open && state.episode === member.episode;
    const ackAt = admin.acks[member.fingerprint];
    return {
      ...describe(state),
      episode: member.episode,
      kind,
      severity,
      key: `${member.fingerprint}|${member.episode}`,
      ...(open && ackAt !== undefined && ackAt >= state.openedAt ? { acked: true } : {}),
      ...(open && silenced(admin.silences, state) ? { silenced: true } : {}),
      ...(moved ? { moved: true } : {}),
      ...(open && input.diagnosed?.has(member.fingerprint) ? { diagnosed: true } : {}),
    };
  };
  const signature = (entries: readonly NotifyItem[]) =>
    hashHex(
      entries
        .map((entry) => {
          const flags = `${entry.acked ? 'a' : ''}${entry.silenced ? 's' : ''}${entry.moved ? 'm' : ''}${entry.diagnosed ? 'd' : ''}`;
          // Closed is closed: a transient shown in its post is the log's `resolved` on the next run.
          return [entry.key, CLOSED.has(entry.kind) ? 'resolved' : entry.kind, entry.severity, flags];
        })
        .map((fields) => fields.join('|'))
        // Order-free: a post lists its items as rendered, the log as decided.
        .sort()
        .join('\n'),
      16,
    );
  const postMembers = posted.filter(announces).map(({ fingerprint, episode }) => ({ fingerprint, episode: episode! }));
  const postView = messageKey ? postMembers.map((member) => view(member, messageKey)) : [];
  const postSig = postView.length > 0 ? signature(postView) : undefined;
  // Live messages: the latest post of every incident still open as far as they showed it.
  const targets = new Set<string>();
  for (const [fingerprint, group] of memory.groupOf) {
    const announced = memory.announced.get(fingerprint);
    if (announced?.episode === group.episode && announced.resolved && current.get(fingerprint) === undefined) continue;
    targets.add(group.message);
  }
  const edits: LiveEdit[] = [];
  for (const target of [...targets].sort()) {
    const entries = (memory.members.get(target) ?? []).map((member) => view(member, target));
    const sig = signature(entries);
    // The count keeps keys unique when a view returns to an earlier state (a silence ends).
    const key = `e${hashHex(`${target}|${memory.edits.get(target) ?? 0}|${sig}`, 23)}`;
    if (sig !== memory.sigs.get(target)) edits.push({ target, key, items: entries, sig });
  }
  return { messageKey, ...(postSig ? { postSig } : {}), edits };
}
