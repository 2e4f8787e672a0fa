import type { AdminEvent, NodeStatus, Policy, Recommendation, Skill } from '../model/index.js';
import { remediationPause } from '../maintenance/append.js';
import { attemptBackoff } from '../chronicle/backoff.js';
import { attemptTarget, backoffHistory, type RemediationAttempt } from '../chronicle/remediations.js';
import { formatTime } from '../model/index.js';
import { activeWindow } from '../chronicle/windows.js';

/** What deciding who may approve reads of the policy. */
export type ApproverPolicy = {
  operators: Pick<Policy['operators'], 'users'>;
  remediation: Pick<Policy['remediation'], 'approvers'>;
};

/** The bot attributes events as `discord:<name> (<user id>)`; the id is what policy lists. */
const DISCORD_ACTOR = /^discord:.* \((\d{1,20})\)$/;

/**
 * Who may approve: operators (policy `operators.users`) and `remediation.approvers`, by name
 * (`--actor`) or, for an approval from Discord, by the user id in its attribution. A Discord
 * role cannot be checked from the chain, so a role alone does not make an approver.
 */
export function mayApprove(policy: ApproverPolicy, actor: string): boolean {
  const listed = (name: string) => policy.operators.users.includes(name) || policy.remediation.approvers.includes(name);
  if (listed(actor)) return true;
  const id = DISCORD_ACTOR.exec(actor)?.[1];
  return id !== undefined && listed(id);
}

export interface Approval {
  seq: number;
  at: string;
  actor: string;
  skill: string;
}

/**
 * The approvals in force, by fingerprint: approve_remediation events of the verified chain by
 * someone allowed to approve. A line by anyone else (appended by hand: the chain still verifies)
 * approves nothing and is listed in `ignored`.
 */
export function foldApprovals(
  events: readonly AdminEvent[],
  policy: ApproverPolicy,
): { approvals: Map<string, Approval[]>; ignored: AdminEvent[] } {
  const approvals = new Map<string, Approval[]>();
  const ignored: AdminEvent[] = [];
  for (const event of events) {
    if (event.action !== 'approve_remediation' || !event.fingerprint || !event.skill) continue;
    if (!mayApprove(policy, event.actor)) {
      ignored.push(event);
      continue;
    }
    const list = approvals.get(event.fingerprint) ?? [];
    list.push({ seq: event.seq, at: event.at, actor: event.actor, skill: event.skill });
    approvals.set(event.fingerprint, list);
  }
  return { approvals, ignored };
}

export type Decision =
  { kind: 'allowed'; by: Approval | 'pre-approved'; attempt: number } | { kind: 'refused'; reasons: string[] };

export interface GuardrailInputs {
  events: readonly AdminEvent[];
  policy: ApproverPolicy & Pick<Policy, 'remediation' | 'backoff_initial' | 'backoff_max' | 'backoff_reset_after'>;
  nodes: Readonly<Record<string, NodeStatus>>;
  /** Node → labels (inventory), for pre-approval by label. */
  labels: ReadonlyMap<string, readonly string[]>;
  /** chronicle/remediations.jsonl folded (`foldAttempts`). */
  attempts: readonly RemediationAttempt[];
  /** When the executor would act (ms): the backoff is measured to it. */
  now: number;
}

const RISK_RANK = { low: 0, medium: 1, high: 2 } as const;

/** Whether policy `remediation.preapprove` covers this skill on this node. `high` never is. */
export function preApproved(
  policy: Pick<Policy, 'remediation'>,
  skill: Pick<Skill, 'id' | 'risk'>,
  node: string,
  labels: readonly string[],
): boolean {
  if (skill.risk === 'high') return false;
  return policy.remediation.preapprove.some(
    (entry) =>
      RISK_RANK[skill.risk] <= RISK_RANK[entry.risk] &&
      (!entry.skills || entry.skills.includes(skill.id)) &&
      ((!entry.nodes && !entry.labels) ||
        (entry.nodes?.includes(node) ?? false) ||
        (entry.labels?.some((label) => labels.includes(label)) ?? false)),
  );
}

/**
 * Whether an executor may apply `skill` to `rec` now, and if not every reason why, in a fixed
 * order: the kill switch, the node's maintenance, a maintenance window, outside the node's
 * remediation windows (policy `remediation.windows`), an attempt still being
 * verified on the same service, the skill's max_attempts in this episode, the backoff after
 * failed attempts (PolicyBrain's, as for redeploys), the approval. Pure: the same chain, status,
 * attempts and `now` give the same decisions on every runner (replay determinism). An approval
 * counts only for the episode it was given in (at or after `since`); without one, policy
 * `remediation.preapprove` (or a skill without `approval_required`) pre-approves.
 */
export function decideRemediation(rec: Recommendation, skill: Skill, inputs: GuardrailInputs): Decision {
  const reasons: string[] = [];
  const pause = remediationPause(inputs.events);
  if (pause) reasons.push(`remediation paused by ${pause.actor} at ${pause.at} (seq ${pause.seq})`);
  const maintenance = inputs.nodes[rec.node]?.maintenance;
  if (maintenance && maintenance.state !== 'Active' && maintenance.state !== 'Cordoned')
    reasons.push(`${rec.node} is ${maintenance.state}`);
  if (rec.maintenance_window) reasons.push(`inside maintenance window ${rec.maintenance_window}`);
  const labels = inputs.labels.get(rec.node) ?? [];
  const allowed = inputs.policy.remediation.windows.filter(
    (window) => window.nodes.includes(rec.node) || window.labels.some((label) => labels.includes(label)),
  );
  if (allowed.length > 0 && !activeWindow(allowed, inputs.now))
    reasons.push(
      `outside the remediation window${allowed.length === 1 ? '' : 's'} of ${rec.node} (${allowed.map((w) => w.name ?? w.cron).join(', ')})`,
    );

  const since = rec.since ?? '';
  const target = attemptTarget(rec);
  const onTarget = inputs.attempts.filter((a) => attemptTarget(a.start) === target);
  const running = onTarget.find((a) => !a.outcome);
  if (running)
    reasons.push(
      `attempt ${running.start.attempt} of ${running.start.skill} on ${target} (started ${running.start.at}) ` +
        `is being verified until ${running.start.verify.by}`,
    );
  else if (rec.in_progress) reasons.push(`a remedy is already under way for ${rec.id} (a deployment in progress)`);
  const episode = inputs.attempts.filter((a) => a.start.fingerprint === rec.id && a.start.at >= since);
  if (episode.length >= skill.max_attempts)
    reasons.push(
      `${episode.length} attempt${episode.length === 1 ? '' : 's'} already made for ${rec.id} ` +
        `(max_attempts ${skill.max_attempts} of ${skill.id})`,
    );
  const backoff = running ? undefined : attemptBackoff(backoffHistory(onTarget), inputs.policy);
  if (backoff && inputs.now < backoff.notBefore)
    reasons.push(
      `backing off after ${backoff.failures} failed attempt${backoff.failures === 1 ? '' : 's'} on ${target}: ` +
        `next not before ${formatTime(backoff.notBefore)}`,
    );

  let by: Approval | 'pre-approved' | undefined = foldApprovals(inputs.events, inputs.policy)
    .approvals.get(rec.id)
    ?.filter((a) => a.skill === skill.id && a.at >= since)
    .at(-1);
  if (
    !by &&
    (!skill.approval_required || preApproved(inputs.policy, skill, rec.node, inputs.labels.get(rec.node) ?? []))
  )
    by = 'pre-approved';
  if (!by) reasons.push(`${skill.id} is not approved for ${rec.id}`);
  return reasons.length > 0 || !by
    ? { kind: 'refused', reasons }
    : { kind: 'allowed', by, attempt: episode.length + 1 };
}
