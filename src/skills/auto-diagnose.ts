import { UserError } from '../errors/problem.js';
import { appendWhole } from '../fs/atomic.js';
import { formatTime, type Recommendation, type Skill } from '../model/index.js';
import type { CommandRunner } from '../observer/runner.js';
import { buildRepoModel, readRepoSources, type RepoModel } from '../repo/index.js';
import { readStatus } from './context.js';
import {
  diagnosticEnv,
  DIAGNOSTICS_FILE,
  formatDiagnosticLine,
  runDiagnostics,
  type DiagnosticLine,
} from './diagnose.js';
import { diagnosedThisEpisode, findingsOf } from './diagnosis.js';
import { loadSkills } from './load.js';
import { factsFor, matchSkills, probeOf } from './match.js';
import { paramsFor } from './params.js';
import { secretValues } from './redact.js';

export interface AutoDiagnoseOptions {
  repo: string;
  /** The node this observer runs on: only its recommendations are diagnosed, here. */
  node: string;
  now: number;
  runner: CommandRunner;
  /** The process environment: children get `diagnosticEnv` of it, outputs are scrubbed of its secrets. */
  env: Record<string, string | undefined>;
}

export interface AutoDiagnoseResult {
  /** Each recommendation diagnosed now, with the skill and what was found. */
  ran: { fingerprint: string; skill: string; steps: number; failed: number }[];
  /** The file appended to (to commit with the world files), when anything ran. */
  file?: string;
  /** Policy turned it off: nothing was looked at. */
  off?: string;
  /** Why nothing ran although it is on (inventory/skills/ has problems): for stderr. */
  warning?: string;
}

/**
 * What automatic diagnosis runs: for each recommendation on `node`, the most specific matching
 * skill (the one `diagnose` and the runbook pick) when it has diagnostics and this episode has
 * no finding yet (none at or after the recommendation's `since`). Pure.
 */
export function planAutoDiagnosis(
  recommendations: readonly Recommendation[],
  node: string,
  skills: readonly Skill[],
  model: Pick<RepoModel, 'inventory' | 'world' | 'chronicle'>,
): { rec: Recommendation; skill: Skill }[] {
  const findings = findingsOf(model);
  const out: { rec: Recommendation; skill: Skill }[] = [];
  for (const rec of recommendations) {
    if (rec.node !== node || diagnosedThisEpisode(findings, rec)) continue;
    const skill = matchSkills(rec, skills, factsFor(model, rec))[0];
    if (skill && skill.diagnostics.length > 0) out.push({ rec, skill });
  }
  return out;
}

/**
 * The observer's automatic diagnosis, once per incident: after `observe --node N` wrote the world,
 * runs the read-only diagnostics of status/'s open recommendations on N that have none yet this
 * episode, and appends all their lines to chronicle/diagnostics.jsonl in one whole append.
 * Policy `remediation.auto_diagnose: false` turns it off. No status/ or nothing to diagnose:
 * nothing is read beyond status/ and nothing is written.
 */
export async function autoDiagnose(options: AutoDiagnoseOptions): Promise<AutoDiagnoseResult> {
  let recommendations: Recommendation[];
  try {
    recommendations = (await readStatus(options.repo)).recommendations;
  } catch (error) {
    // The observation is written: an unreadable status/ (reconcile rewrites it) must not fail it.
    if (!(error instanceof UserError)) throw error;
    return { ran: [], warning: `automatic diagnosis skipped: ${error.message}` };
  }
  const mine = recommendations.filter((rec) => rec.node === options.node);
  if (mine.length === 0) return { ran: [] };
  const model = buildRepoModel(await readRepoSources(options.repo));
  if (!model.policy.remediation.auto_diagnose) return { ran: [], off: 'remediation.auto_diagnose is false' };
  const catalogue = loadSkills(options.repo);
  // A broken homelab skill could be the one that matches: run none rather than a different one.
  if (catalogue.problems.length > 0)
    return {
      ran: [],
      warning: `automatic diagnosis skipped: ${catalogue.problems.length} problem(s) in inventory/skills/ (labwarden validate lists them)`,
    };
  const plan = planAutoDiagnosis(mine, options.node, catalogue.skills, model);
  if (plan.length === 0) return { ran: [] };
  const environment = {
    runner: options.runner,
    env: diagnosticEnv(options.env),
    secrets: secretValues(options.env),
    at: formatTime(options.now),
  };
  const lines: DiagnosticLine[] = [];
  const ran: AutoDiagnoseResult['ran'] = [];
  // One after another: a node under pressure should not get every diagnostic at once.
  for (const { rec, skill } of plan) {
    const found = await runDiagnostics(rec, skill, paramsFor(rec, probeOf(model, rec)), environment);
    lines.push(...found);
    const failed = found.filter((line) => line.result === 'failed' || line.result === 'error').length;
    ran.push({ fingerprint: rec.id, skill: skill.id, steps: found.length, failed });
  }
  await appendWhole(options.repo, DIAGNOSTICS_FILE, lines.map((line) => `${formatDiagnosticLine(line)}\n`).join(''));
  return { ran, file: DIAGNOSTICS_FILE };
}

/** One line per recommendation diagnosed, for the observe command's output. */
export function describeAutoDiagnosis(result: AutoDiagnoseResult): string[] {
  return result.ran.map(
    (entry) =>
      `diagnosed ${entry.fingerprint} (${entry.skill}): ${entry.steps} step${entry.steps === 1 ? '' : 's'}, ${entry.failed} failed; in ${DIAGNOSTICS_FILE}`,
  );
}
