import type { AdminEvent, NodeStatus, Policy, Recommendation, Skill } from '../model/index.js';
import { remediationPause } from '../maintenance/append.js';

/** Who may approve: operators (policy `operators.users`) and `remediation.approvers`. */
export function mayApprove(policy: Pick<Policy, 'operators' | 'remediation'>, actor: string): boolean {
  return policy.operators.users.includes(actor) || policy.remediation.approvers.includes(actor);
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
  policy: Pick<Policy, 'operators' | 'remediation'>,
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

export type Decision = { kind: 'allowed'; by: Approval | 'pre-approved' } | { kind: 'refused'; reasons: string[] };

export interface GuardrailInputs {
  events: readonly AdminEvent[];
  policy: Pick<Policy, 'operators' | 'remediation'>;
  nodes: Readonly<Record<string, NodeStatus>>;
}

/**
 * Whether an executor may apply `skill` to `rec` now, and if not every reason why, in a fixed
 * order: the kill switch, the node's maintenance, a maintenance window, the approval. Pure: the
 * same chain, status and skills give the same decisions on every runner (replay determinism).
 * An approval counts only for the episode it was given in (at or after `since`).
 */
export function decideRemediation(rec: Recommendation, skill: Skill, inputs: GuardrailInputs): Decision {
  const reasons: string[] = [];
  const pause = remediationPause(inputs.events);
  if (pause) reasons.push(`remediation paused by ${pause.actor} at ${pause.at} (seq ${pause.seq})`);
  const maintenance = inputs.nodes[rec.node]?.maintenance;
  if (maintenance && maintenance.state !== 'Active' && maintenance.state !== 'Cordoned')
    reasons.push(`${rec.node} is ${maintenance.state}`);
  if (rec.maintenance_window) reasons.push(`inside maintenance window ${rec.maintenance_window}`);
  let by: Approval | 'pre-approved' | undefined;
  if (!skill.approval_required) by = 'pre-approved';
  else {
    const since = rec.since ?? '';
    by = foldApprovals(inputs.events, inputs.policy)
      .approvals.get(rec.id)
      ?.filter((a) => a.skill === skill.id && a.at >= since)
      .at(-1);
    if (!by) reasons.push(`${skill.id} is not approved for ${rec.id}`);
  }
  return reasons.length > 0 || !by ? { kind: 'refused', reasons } : { kind: 'allowed', by };
}
