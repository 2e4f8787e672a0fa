import { formatTime, parseTime, SEVERITY_RANK, EVENT_RANK, type Recommendation, type ReconcileResult, type Severity } from '../model/index.js';
import type { ReconcileInput } from '../model/index.js';
import { flappingPercent, stableAt } from './flapping.js';
import { lineId, type IncidentEvent, type IncidentLine, type TransitionLine } from './line.js';
import { foldSortedIncidents, foldTransitions, sortUnique, type IncidentState, type Transition } from './state.js';
import { activeWindow, firstOutside, windowsFor } from './windows.js';

export interface ChronicleHistory {
  incidents: IncidentLine[];
  transitions: TransitionLine[];
}

export interface ChronicleAdvance {
  /** New lines to append, in reading order. Empty when nothing changed. */
  incidents: IncidentLine[];
  transitions: TransitionLine[];
  /** The fold of all incident lines after this run. */
  state: Map<string, IncidentState>;
  /** All incident lines after this run, in reading order without duplicates (`sortUnique`). */
  lines: IncidentLine[];
  /**
   * The first instant after `now` at which a later `now` alone could change these lines (an
   * offline node's incident escalating or settling), or Infinity: the run shortcut's limit.
   */
  changesAt: number;
}

const SEVERITIES: Severity[] = ['info', 'warning', 'critical'];
const SECOND = 1000;

/**
 * Drift that enters the chronicle: it has an observation time (an unreadable snapshot has
 * none), and it is not a migration the operator asked for by putting a node in maintenance.
 */
function isTracked(rec: Recommendation): boolean {
  return rec.since !== null && rec.drift !== 'unknown_node' && rec.drift !== 'node_maintenance';
}

/**
 * The chronicle's next lines: a pure function of its previous lines, this run's result and
 * inputs. Every time written comes from observations (snapshot, deployment, last seen +
 * stale_after) or from the policy applied to them, never from `now`, so a late run writes
 * what a timely one would have. A fingerprint whose node is not online (offline, invalid
 * snapshot) keeps its state: no evidence is not evidence of recovery.
 */
export function advanceChronicle(previous: ChronicleHistory, result: ReconcileResult, input: ReconcileInput): ChronicleAdvance {
  const sorted = sortUnique(previous.incidents);
  const incidents = foldSortedIncidents(sorted);
  const transitions = foldTransitions(previous.transitions);
  const recs = new Map(result.recommendations.filter(isTracked).map((rec) => [rec.id, rec]));
  const delayed = new Set(result.recommendations.filter((rec) => rec.drift === 'dependency_unavailable').map((rec) => `${rec.node}/${rec.service}`));
  const fingerprints = new Set<string>(recs.keys());
  for (const [fingerprint, state] of incidents) if (state.open || state.flapping) fingerprints.add(fingerprint);
  for (const [fingerprint, list] of transitions) if (list.at(-1)?.state === 'present') fingerprints.add(fingerprint);

  const newIncidents: IncidentLine[] = [];
  const newTransitions: TransitionLine[] = [];
  let changesAt = Infinity;
  for (const fingerprint of [...fingerprints].sort()) {
    const step = advanceFingerprint(fingerprint, recs.get(fingerprint), incidents.get(fingerprint), transitions.get(fingerprint) ?? [], input, result, delayed);
    for (const line of step.incidents) newIncidents.push(line);
    if (step.transition) newTransitions.push(step.transition);
    changesAt = Math.min(changesAt, step.changesAt);
  }
  // Most runs add no incident line: then the fold and the order of the history are the answer.
  if (newIncidents.length === 0) return { incidents: newIncidents, transitions: newTransitions, state: incidents, lines: sorted, changesAt };
  const lines = sortUnique([...previous.incidents, ...newIncidents]);
  return { incidents: newIncidents, transitions: newTransitions, state: foldSortedIncidents(lines), lines, changesAt };
}

interface Step {
  incidents: IncidentLine[];
  transition?: TransitionLine;
  changesAt: number;
}

function advanceFingerprint(
  fingerprint: string,
  rec: Recommendation | undefined,
  incident: IncidentState | undefined,
  history: Transition[],
  input: ReconcileInput,
  result: ReconcileResult,
  delayed: Set<string>,
): Step {
  const { policy, now } = input;
  const template = rec ?? incident?.last;
  if (!template) return { incidents: [], changesAt: Infinity };
  const node = template.node;
  const health = result.nodes[node]?.health;
  const observation = input.world.get(node);
  const observedAt = observation?.kind === 'snapshot' ? parseTime(observation.snapshot.observed_at) : null;
  // Evidence reaches to the node's liveness (snapshot or heartbeat, whichever is later); status
  // shows only observed_at so that heartbeats alone do not rewrite it.
  const beat = input.heartbeats.get(node);
  const lastSeen = observedAt === null && beat === undefined ? null : Math.max(observedAt ?? -Infinity, beat ?? -Infinity);
  const isOfflineDrift = template.drift === 'offline_node';
  const windows = windowsFor(input.inventory.nodes.get(node), policy);

  // The raw state this run can vouch for.
  let raw: 'present' | 'clear' | undefined;
  if (rec) raw = 'present';
  else if (health === 'online' && !delayed.has(`${node}/${template.service ?? ''}`)) raw = 'clear';

  // Incidents written before transitions were kept stand in for the missing history.
  const changes = [...history];
  if (changes.length === 0 && incident?.open && incident.openedAt !== null) changes.push({ at: incident.openedAt, state: 'present' });
  const lastChange = changes.at(-1);
  const after = (candidate: number | null, floor: number | undefined) => {
    const at = candidate ?? floor ?? 0;
    return floor !== undefined && at <= floor ? floor + SECOND : at;
  };

  let transition: TransitionLine | undefined;
  if (raw && raw !== (lastChange?.state ?? 'clear')) {
    let at: number;
    if (raw === 'present') {
      const since = parseTime(rec!.since!);
      // A `since` older than the last change describes an earlier episode: this one starts at the observation.
      at = lastChange && since <= lastChange.at ? after(isOfflineDrift ? since : (observedAt ?? lastSeen), lastChange.at) : since;
    } else {
      at = after(isOfflineDrift ? lastSeen : (observedAt ?? lastSeen), lastChange?.at);
    }
    changes.push({ at, state: raw });
    transition = { id: lineId(fingerprint, raw, formatTime(at)), at: formatTime(at), fingerprint, state: raw };
  }

  // How far this run's evidence reaches: offline is judged against --now, like staleness.
  const evidenceIsNow = raw === 'present' && isOfflineDrift;
  const evidence = raw === undefined ? null : evidenceIsNow ? now : (lastSeen ?? observedAt ?? null);
  // Every comparison `threshold <= evidence` below reports its threshold when evidence is `now`.
  let changesAt = Infinity;
  const reached = (threshold: number) => {
    if (evidenceIsNow && threshold > now) changesAt = Math.min(changesAt, threshold);
    return evidence !== null && threshold <= evidence;
  };

  const out: IncidentLine[] = [];
  const sim = {
    open: incident?.open ?? false,
    openedAt: incident?.openedAt ?? null,
    flapping: incident?.flapping ?? false,
    severity: incident?.severity ?? template.severity,
    recommendation: incident?.recommendation ?? rec!.event,
    lastLifecycleAt: incident?.lastLifecycleAt ?? -Infinity,
    lastStableAt: -Infinity,
  };
  const emit = (event: IncidentEvent, at: number, extra: Partial<IncidentLine> = {}) => {
    const severity = extra.severity ?? sim.severity;
    const recommendation = extra.recommendation ?? sim.recommendation;
    const time = formatTime(at);
    const window = activeWindow(windows, at);
    out.push({
      id: lineId(fingerprint, event, time),
      at: time,
      event,
      fingerprint,
      node,
      ...(template.service ? { service: template.service } : {}),
      drift: template.drift,
      severity,
      recommendation,
      action: template.action,
      reason: template.reason,
      ...(window ? { maintenance_window: window.name } : {}),
      ...extra,
    });
    if (event === 'opened') Object.assign(sim, { open: true, openedAt: at });
    if (event === 'resolved') sim.open = false;
    if (event === 'flapping') sim.flapping = true;
    if (event === 'stable') Object.assign(sim, { flapping: false, lastStableAt: at });
    if (event !== 'flapping' && event !== 'stable') Object.assign(sim, { severity, recommendation, lastLifecycleAt: Math.max(sim.lastLifecycleAt, at) });
  };
  const times = (list: Transition[]) => list.map((change) => change.at);
  const settle = (list: Transition[], horizon: number | null) => {
    if (!sim.flapping || list.length === 0 || horizon === null) return;
    const at = stableAt(times(list), policy.flapping_sample, policy.flapping_threshold_low);
    if (horizon === evidence ? reached(at) : at <= horizon) emit('stable', at, { state: list.at(-1)!.state });
  };

  // Flapping: first let an earlier episode settle, then judge the new change.
  const before = transition ? changes.slice(0, -1) : changes;
  settle(before, transition ? changes.at(-1)!.at : evidence);
  if (transition) {
    const change = changes.at(-1)!;
    if (!sim.flapping && flappingPercent(times(changes), change.at, policy.flapping_sample) >= policy.flapping_threshold_high) {
      emit('flapping', change.at, { state: change.state });
    }
    settle(changes, evidence);
  }
  if (sim.flapping) return { incidents: out, ...(transition ? { transition } : {}), changesAt };

  const current = changes.at(-1);
  if (current?.state === 'present' && rec && evidence !== null) {
    // After a flapping episode the incident opens when it was declared stable, not before.
    if (!sim.open) emit('opened', after(Math.max(current.at, sim.lastStableAt + SECOND), sim.lastLifecycleAt), { severity: rec.severity, recommendation: rec.event });
    // Escalation: one step up once open past escalate_after, never inside a maintenance window.
    const due = firstOutside(windows, (sim.openedAt ?? current.at) + policy.escalate_after);
    const stepped = reached(due);
    const severity = stepped ? SEVERITIES[Math.min(SEVERITY_RANK[rec.severity] + 1, 2)]! : rec.severity;
    const up = SEVERITY_RANK[severity] - SEVERITY_RANK[sim.severity];
    const eventUp = EVENT_RANK[sim.recommendation] - EVENT_RANK[rec.event];
    if (up !== 0 || eventUp !== 0) {
      const timeOnly = stepped && rec.severity === sim.severity && rec.event === sim.recommendation;
      const at = after(timeOnly ? due : (observedAt ?? parseTime(rec.since!)), sim.lastLifecycleAt);
      emit(up > 0 || (up === 0 && eventUp > 0) ? 'escalated' : 'deescalated', at, { severity, recommendation: rec.event });
    }
  } else if (current?.state === 'clear' && sim.open && evidence !== null && reached(current.at + policy.stabilize_for)) {
    // Stabilization: resolved only after staying clear stabilize_for; the time is when it cleared.
    // After a flapping episode, the resolve follows the stable line so readers see it outside the episode.
    emit('resolved', after(Math.max(current.at, sim.lastStableAt + SECOND), sim.lastLifecycleAt));
  }
  return { incidents: out, ...(transition ? { transition } : {}), changesAt };
}
