import { UserError } from '../../errors/problem.js';
import { formatDuration, type Recommendation, type Skill } from '../../model/index.js';
import {
  decideRemediation,
  findRecommendation,
  guardrailInputs,
  loadSkillContext,
  matchSkills,
  type Decision,
  type SkillContext,
} from '../../skills/index.js';
import { paint, type Io } from '../io.js';
import { repoDir } from '../options.js';

/** The work of `labwarden skills`, loaded only when the command runs. */
export async function runSkills(io: Io, options: { repo: string; for?: string; json?: boolean }): Promise<void> {
  const context = await loadSkillContext(repoDir(options.repo));
  if (context.catalogue.problems.length > 0) {
    const count = context.catalogue.problems.length;
    throw new UserError(`${count} problem${count === 1 ? '' : 's'} in inventory/skills/`, {
      problems: context.catalogue.problems,
    });
  }
  if (options.for === undefined) {
    io.out(options.json ? `${JSON.stringify(context.catalogue.skills, null, 2)}` : renderList(context, io));
    return;
  }
  const rec = findRecommendation(context.recommendations, options.for);
  const matching = matchSkills(rec, context.catalogue.skills, context.facts(rec));
  if (options.json) {
    io.out(JSON.stringify({ recommendation: rec.id, skills: matching }, null, 2));
    return;
  }
  io.out(renderMatching(rec, matching, context, io));
}

function renderList(context: SkillContext, io: Io): string {
  const { skills, origin } = context.catalogue;
  const width = skills.reduce((max, skill) => Math.max(max, skill.id.length), 0);
  const lines = [paint(io, 'bold', `${skills.length} skills`)];
  for (const skill of skills) {
    const from = origin.get(skill.id) === 'built-in' ? '' : `  (${origin.get(skill.id)})`;
    lines.push(
      `  ${skill.id.padEnd(width)}  ${skill.family.padEnd(10)}  ${skill.risk.padEnd(6)}  ${skill.title}${from}`,
    );
  }
  return lines.join('\n');
}

function renderMatching(rec: Recommendation, skills: readonly Skill[], context: SkillContext, io: Io): string {
  const lines = [`${paint(io, 'bold', rec.id)}  ${rec.drift} -> ${rec.action}`, `    ${rec.reason}`];
  if (skills.length === 0) {
    lines.push('no skill matches; add one under inventory/skills/ (see docs/skills.md)');
    return lines.join('\n');
  }
  skills.forEach((skill, index) => {
    const approval = skill.approval_required ? 'approval required' : 'no approval needed';
    lines.push(
      `${index + 1}. ${paint(io, 'bold', skill.id)}  ${skill.title}  ` +
        `[risk ${skill.risk}, ${approval}] (${context.catalogue.origin.get(skill.id)})`,
    );
    if (skill.diagnostics.length)
      lines.push(`     diagnose: ${skill.diagnostics.map((step) => step.title).join('; ')}`);
    if (skill.remediation.length)
      lines.push(`     remedy:   ${skill.remediation.map((step) => step.title).join('; ')}`);
    lines.push(
      `     verify:   ${skill.verify.observation} within ${formatDuration(skill.verify.within)}, ` +
        `at most ${skill.max_attempts} attempt${skill.max_attempts === 1 ? '' : 's'}`,
    );
    const inputs = guardrailInputs(context, Date.now());
    lines.push(`     approval: ${describeDecision(decideRemediation(rec, skill, inputs))}`);
  });
  return lines.join('\n');
}

function describeDecision(decision: Decision): string {
  if (decision.kind === 'refused') return `no: ${decision.reasons.join('; ')}`;
  if (decision.by === 'pre-approved') return 'pre-approved (approval_required: false)';
  return `approved by ${decision.by.actor} at ${decision.by.at} (seq ${decision.by.seq})`;
}
