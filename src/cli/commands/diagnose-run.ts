import { UserError } from '../../errors/problem.js';
import { appendWhole } from '../../fs/atomic.js';
import { commitAndPush, describeCommitAndPush } from '../../git/commit-push.js';
import { Git } from '../../git/client.js';
import { preflight } from '../../git/preflight.js';
import { currentCommand, withRepoLock } from '../../git/repo-lock.js';
import { formatTime, isName, type Recommendation, type Skill } from '../../model/index.js';
import { spawnRunner } from '../../observer/runner.js';
import { findRecommendation, loadSkillContext, matchSkills, type SkillContext } from '../../skills/index.js';
import {
  diagnosticEnv,
  DIAGNOSTICS_FILE,
  formatDiagnosticLine,
  runDiagnostics,
  type DiagnosticLine,
} from '../../skills/diagnose.js';
import { probeOf } from '../../skills/match.js';
import { paramsFor } from '../../skills/params.js';
import { secretValues } from '../../skills/redact.js';
import type { Io } from '../io.js';
import { parseNow, repoDir } from '../options.js';

export interface DiagnoseOptions {
  repo: string;
  now?: string;
  skill?: string;
  node?: string;
  json?: boolean;
  commit?: boolean;
  push?: boolean;
}

/** The work of `labwarden diagnose`, loaded only when the command runs. */
export async function runDiagnose(
  io: Io,
  fingerprint: string,
  options: DiagnoseOptions,
  env: Record<string, string | undefined>,
): Promise<void> {
  const repo = repoDir(options.repo);
  const at = formatTime(parseNow(options.now));
  if (options.node !== undefined && !isName(options.node))
    throw new UserError(`--node: "${options.node}" is not a node name`);
  const git = Boolean(options.commit || options.push);
  // Refuse a detached HEAD or foreign changes before running anything.
  if (git) await preflight(new Git(repo), [DIAGNOSTICS_FILE]);
  const context = await loadSkillContext(repo);
  const rec = findRecommendation(context.recommendations, fingerprint);
  if (options.node !== undefined && options.node !== rec.node) {
    throw new UserError(`${rec.id} belongs to node ${rec.node}, not ${options.node}`, {
      hint: `Run diagnose on ${rec.node}, where its observer runs.`,
    });
  }
  const skill = chooseSkill(context, rec, options.skill);
  if (skill.diagnostics.length === 0) {
    io.out(`${skill.id} has no diagnostics for ${rec.id}; next: ${skill.remediation[0]?.title ?? 'review'}`);
    return;
  }
  const params = paramsFor(rec, probeOf(context.model, rec));
  // Steps may take minutes: run them before taking the checkout's lock, which a runner or the bot
  // may be waiting for.
  const lines = await runDiagnostics(rec, skill, params, {
    runner: spawnRunner,
    env: diagnosticEnv(env),
    secrets: secretValues(env),
    at,
  });
  await withRepoLock(repo, currentCommand(), async () => {
    await appendWhole(repo, DIAGNOSTICS_FILE, lines.map((line) => `${formatDiagnosticLine(line)}\n`).join(''));
    io.out(options.json ? JSON.stringify(lines, null, 2) : renderLines(rec, skill, lines));
    if (!git) return;
    const message = `diagnose: ${rec.id} (${skill.id})`;
    const outcome = await commitAndPush(repo, { files: [DIAGNOSTICS_FILE], message, push: Boolean(options.push) });
    io.out(describeCommitAndPush(outcome, { push: Boolean(options.push), unchanged: 'nothing to commit' }));
  });
}

function chooseSkill(context: SkillContext, rec: Recommendation, wanted: string | undefined): Skill {
  if (context.catalogue.problems.length > 0) {
    throw new UserError(`${context.catalogue.problems.length} problem(s) in inventory/skills/`, {
      problems: context.catalogue.problems,
    });
  }
  const matching = matchSkills(rec, context.catalogue.skills, context.facts(rec));
  const skill = wanted === undefined ? matching[0] : matching.find((candidate) => candidate.id === wanted);
  if (skill) return skill;
  const listed = matching.map((candidate) => candidate.id).join(', ');
  throw new UserError(
    wanted === undefined ? `no skill matches ${rec.id}` : `skill "${wanted}" does not match ${rec.id}`,
    {
      hint: listed ? `Matching skills: ${listed}.` : 'Add one under inventory/skills/ (docs/skills.md).',
    },
  );
}

function renderLines(rec: Recommendation, skill: Skill, lines: readonly DiagnosticLine[]): string {
  const out = [
    `${rec.id}: ${skill.title} (${skill.id}), ` +
      `${lines.length} step${lines.length === 1 ? '' : 's'} recorded in ${DIAGNOSTICS_FILE}`,
  ];
  for (const line of lines) {
    const how = line.exit !== undefined ? ` (exit ${line.exit})` : '';
    out.push(`${line.step}. ${line.title}: ${line.result}${how}${line.reason ? `: ${line.reason}` : ''}`);
    out.push(`   $ ${line.target.join(' ')}`);
    for (const text of [line.output, line.stderr]) {
      if (text)
        out.push(
          ...text
            .trimEnd()
            .split('\n')
            .map((row) => `   | ${row}`),
        );
    }
    if (line.truncated) out.push('   | [output truncated]');
  }
  return out.join('\n');
}
