import type { AdminEvent, NodeStatus, Policy, Recommendation, Skill } from '../model/index.js';
import { remediationPause } from '../maintenance/append.js';

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

export type Decision = { kind: 'allowed'; by: Approval | 'pre-approved' } | { kind: 'refused'; reasons: string[] };

export interface GuardrailInputs {
  events: readonly AdminEvent[];
  policy: ApproverPolicy;
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
