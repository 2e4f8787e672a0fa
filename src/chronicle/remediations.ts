import {
  clipText,
  formatTime,
  LIMITS,
  parseTime,
  type DiagnosticLine,
  type NodeObservation,
  type ReconcileResult,
  type Recommendation,
  type RemediationConcluded,
  type RemediationLine,
  type RemediationStarted,
} from '../model/index.js';
import { compareRecommendations } from '../model/reconcile-input.js';
import { summarize } from '../model/summary.js';
import type { BackoffAttempt } from './backoff.js';

/** One remediation attempt: its start line and, once reconcile concluded it, the conclusion. */
export interface RemediationAttempt {
  start: RemediationStarted;
  outcome?: RemediationConcluded;
}

const attemptKey = (fingerprint: string, started: string) => `${fingerprint}\0${started}`;

/**
 * The attempts of chronicle/remediations.jsonl in file order. A conclusion names its attempt by
 * fingerprint and start time; a second conclusion of one attempt (two reconcilers racing) is
 * ignored, so every reader sees the first.
 */
export function foldAttempts(lines: readonly RemediationLine[]): RemediationAttempt[] {
  const attempts: RemediationAttempt[] = [];
  const byKey = new Map<string, RemediationAttempt>();
  for (const line of lines) {
    if (line.kind === 'remediation_started') {
      const start = line as RemediationStarted;
      const key = attemptKey(start.fingerprint, start.at);
      if (byKey.has(key)) continue;
      const attempt = { start };
      byKey.set(key, attempt);
      attempts.push(attempt);
    } else {
      const concluded = line as RemediationConcluded;
      const attempt = byKey.get(attemptKey(concluded.fingerprint, concluded.started));
      if (attempt && !attempt.outcome) attempt.outcome = concluded;
    }
  }
  return attempts;
}

/** The attempts of one service (or a node-level drift) as backoff history: a running attempt is in progress. */
export function backoffHistory(attempts: readonly RemediationAttempt[]): BackoffAttempt[] {
  return attempts.map(({ start, outcome }) => ({
    at: parseTime(outcome?.at ?? start.at),
    result: !outcome ? 'in_progress' : outcome.kind === 'remediation_succeeded' ? 'success' : 'failed',
  }));
}

/** Whom an attempt concerns for the rate limit: the service, or the node for node-level drift. */
export const attemptTarget = (line: { node: string; service?: string }) =>
  line.service === undefined ? line.node : `${line.node}/${line.service}`;

export interface VerifyInputs {
  world: ReadonlyMap<string, NodeObservation>;
  /** Node → last heartbeat (ms): the observer looked then and found its snapshot unchanged. */
  heartbeats: ReadonlyMap<string, number>;
}

/**
 * Concludes each running attempt from the observations, never the clock: succeeded when a
 * snapshot observed after the start shows the skill's verify observation; failed when the
 * observer's latest sign (snapshot or heartbeat: an unchanged snapshot is not rewritten) is
 * past `verify.by` and it still does not hold. The conclusion's time is that observation's.
 */
export function concludeAttempts(
  attempts: readonly RemediationAttempt[],
  result: Pick<ReconcileResult, 'recommendations'>,
  inputs: VerifyInputs,
): RemediationConcluded[] {
  const open = new Set(result.recommendations.map((rec) => rec.id));
  const out: RemediationConcluded[] = [];
  for (const { start, outcome } of attempts) {
    if (outcome) continue;
    const observation = inputs.world.get(start.node);
    if (observation?.kind !== 'snapshot') continue;
    const snapshot = observation.snapshot;
    const observedAt = parseTime(snapshot.observed_at);
    const startedAt = parseTime(start.at);
    const holds = verified(start, snapshot, open);
    const conclude = (kind: RemediationConcluded['kind'], at: number, reason?: string): RemediationConcluded => ({
      at: formatTime(at),
      kind,
      fingerprint: start.fingerprint,
      node: start.node,
      ...(start.service !== undefined ? { service: start.service } : {}),
      skill: start.skill,
      attempt: start.attempt,
      started: start.at,
      observed_at: formatTime(at),
      ...(reason !== undefined ? { reason } : {}),
    });
    if (observedAt > startedAt && holds) {
      out.push(conclude('remediation_succeeded', observedAt));
      continue;
    }
    const latest = Math.max(observedAt, inputs.heartbeats.get(start.node) ?? -Infinity);
    const by = parseTime(start.verify.by);
    if (latest > by && !holds) {
      const found = describeFound(start, snapshot);
      out.push(
        conclude(
          'remediation_failed',
          latest,
          `${start.verify.observation} not observed by ${start.verify.by}${found ? `: ${found}` : ''}`,
        ),
      );
    }
  }
  return out;
}

function verified(
  start: RemediationStarted,
  snapshot: Extract<NodeObservation, { kind: 'snapshot' }>['snapshot'],
  open: ReadonlySet<string>,
): boolean {
  switch (start.verify.observation) {
    case 'service_ok':
      return snapshot.services.find((service) => service.name === start.service)?.status === 'ok';
    case 'deployment_success':
      return (
        snapshot.deployments.filter((d) => d.service === start.service && d.at >= start.at).at(-1)?.result === 'success'
      );
    case 'node_online':
      return snapshot.status === 'online' && snapshot.observed_at > start.at;
    case 'drift_cleared':
      return !open.has(start.fingerprint);
  }
}

function describeFound(
  start: RemediationStarted,
  snapshot: Extract<NodeObservation, { kind: 'snapshot' }>['snapshot'],
): string {
  if (start.service === undefined) return `node ${snapshot.status}`;
  const service = snapshot.services.find((s) => s.name === start.service);
  if (!service) return `${start.service} not observed`;
  return `${start.service} ${service.status}${service.detail ? ` (${clipText(service.detail, 200)})` : ''}`;
}

/**
 * The attempts in reconcile's conclusion: a recommendation with an attempt still being verified
 * is `in_progress` (the summary becomes `reconciling` when nothing else is open); one whose
 * failed attempts in this episode (since `since`) reached the skill's max_attempts is
 * `reconcile_blocked` with action `diagnostics`, its reason naming the attempts and the latest
 * diagnostics for it. Pure.
 */
export function applyAttempts(
  result: ReconcileResult,
  attempts: readonly RemediationAttempt[],
  diagnostics: readonly DiagnosticLine[],
): ReconcileResult {
  if (attempts.length === 0) return result;
  const byFingerprint = new Map<string, RemediationAttempt[]>();
  for (const attempt of attempts) {
    const list = byFingerprint.get(attempt.start.fingerprint) ?? [];
    list.push(attempt);
    byFingerprint.set(attempt.start.fingerprint, list);
  }
  let changed = false;
  const recommendations = result.recommendations.map((rec): Recommendation => {
    const mine = (byFingerprint.get(rec.id) ?? []).filter((a) => rec.since === null || a.start.at >= rec.since);
    if (mine.length === 0) return rec;
    const running = mine.find((a) => !a.outcome);
    if (running) {
      changed = true;
      return {
        ...rec,
        in_progress: true,
        reason: clipText(
          `${rec.reason}; remediation ${running.start.skill} attempt ${running.start.attempt} started at ` +
            `${running.start.at}, verifying ${running.start.verify.observation} by ${running.start.verify.by}`,
          LIMITS.recommendationReasonChars,
        ),
      };
    }
    const failed = mine.filter((a) => a.outcome?.kind === 'remediation_failed');
    const last = failed.at(-1);
    if (!last || failed.length < last.start.max_attempts) return rec;
    changed = true;
    const diagnosed = diagnostics.filter((line) => line.fingerprint === rec.id).at(-1);
    const found = diagnosed
      ? `; latest diagnostics ${diagnosed.at}: step ${diagnosed.step} ${diagnosed.title}: ${diagnosed.result}` +
        (diagnosed.exit !== undefined ? ` (exit ${diagnosed.exit})` : '')
      : '; no diagnostics recorded (labwarden diagnose)';
    return {
      ...rec,
      event: 'reconcile_blocked',
      action: 'diagnostics',
      reason: clipText(
        `${rec.reason}; ${failed.length} remediation attempt${failed.length === 1 ? '' : 's'} of ` +
          `${last.start.skill} failed (max_attempts ${last.start.max_attempts}; last: ${last.outcome!.reason ?? 'failed'})${found}`,
        LIMITS.recommendationReasonChars,
      ),
    };
  });
  if (!changed) return result;
  recommendations.sort(compareRecommendations);
  return { ...result, recommendations, summary: summarize(recommendations, result.summary === 'reconciling') };
}
