import { UserError } from '../../errors/problem.js';
import { findRecommendation, loadSkillContext, matchSkills } from '../../skills/index.js';
import { mayApprove } from '../../skills/guardrails.js';
import { defaultActor, runAdmin, type AdminOptions } from '../admin.js';
import type { Io } from '../io.js';
import { repoDir } from '../options.js';

/** The work of `labwarden approve`, loaded only when the command runs. */
export async function runApprove(
  io: Io,
  fingerprint: string,
  options: AdminOptions & { skill?: string },
): Promise<void> {
  const context = await loadSkillContext(repoDir(options.repo));
  const actor = options.actor ?? defaultActor();
  if (!mayApprove(context.model.policy, actor)) {
    throw new UserError(`"${actor}" may not approve remediations: not an operator`, {
      hint:
        'Add the name to remediation.approvers (or operators.users) in inventory/policy.yaml ' +
        'by pull request, or ask an operator.',
    });
  }
  if (context.catalogue.problems.length > 0) {
    throw new UserError(`${context.catalogue.problems.length} problem(s) in inventory/skills/`, {
      problems: context.catalogue.problems,
    });
  }
  const rec = findRecommendation(context.recommendations, fingerprint);
  const matching = matchSkills(rec, context.catalogue.skills, context.facts(rec));
  const skill =
    options.skill === undefined ? matching[0] : matching.find((candidate) => candidate.id === options.skill);
  if (!skill) {
    const listed = matching.map((candidate) => candidate.id).join(', ');
    throw new UserError(
      options.skill === undefined ? `no skill matches ${rec.id}` : `skill "${options.skill}" does not match ${rec.id}`,
      {
        hint: listed ? `Matching skills: ${listed}.` : 'Add one under inventory/skills/ (docs/skills.md).',
      },
    );
  }
  await runAdmin(
    io,
    { ...options, actor },
    { action: 'approve_remediation', node: rec.node, fingerprint: rec.id, skill: skill.id },
  );
}
