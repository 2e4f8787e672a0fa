import {
  formatTime,
  parseTime,
  type Recommendation,
  type RemediationStarted,
  type RemediationStepResult,
  type Skill,
} from '../model/index.js';
import type { CommandRunner } from '../observer/runner.js';
import type { Approval } from './guardrails.js';
import { expandTemplate, type ParamsResult } from './params.js';

/** A remediation step is stopped (its process group killed) after this long. */
export const REMEDIATION_STEP_TIMEOUT_MS = 120_000;

/** What the executor will do for one recommendation: argv per runnable step, fixed before anything runs. */
export interface RemediationPlan {
  steps: ({ argv: string[] } | { manual: true })[];
}

/**
 * The argv of each step, or why the skill cannot be applied here: a step without `run` argv
 * (manual, redeploy_last_good, failover) is a person's step, recorded and never run; a step
 * whose parameter failed its check (params.ts) refuses the whole attempt before anything runs,
 * so no half-applied remedy; a skill with nothing runnable is no attempt at all.
 */
export function planRemediation(skill: Skill, params: ParamsResult): RemediationPlan | { refused: string } {
  const steps: RemediationPlan['steps'] = [];
  for (const step of skill.remediation) {
    if (!step.run) {
      steps.push({ manual: true });
      continue;
    }
    const argv: string[] = [];
    for (const template of step.run) {
      const expanded = expandTemplate(template, params);
      if ('missing' in expanded) return { refused: `step "${step.title}" needs ${expanded.missing}` };
      argv.push(expanded.value);
    }
    steps.push({ argv });
  }
  if (!steps.some((step) => 'argv' in step))
    return {
      refused: `${skill.id} has no step the executor can run (${skill.remediation.map((s) => s.title).join('; ') || 'no remediation'})`,
    };
  return { steps };
}

export interface ExecuteEnvironment {
  runner: CommandRunner;
  /** The children's whole environment (diagnosticEnv): never our secrets. */
  env: NodeJS.ProcessEnv;
  /**
   * Re-reads the admin chain from disk: why no further step may run (the kill switch, a broken
   * chain), or undefined. Called before every step.
   */
  stopReason: () => Promise<string | undefined>;
  /** `--now`: the attempt's start, from which `verify.by` is counted. */
  at: string;
  timeoutMs?: number;
}

/**
 * Runs an allowed attempt, step after step, and returns its `remediation_started` line. Argv
 * goes to the program as it is (no shell). A step that fails or cannot run, or the kill switch
 * pulled between two steps, stops the rest: they are recorded as `stopped`, with the reason.
 */
export async function runRemediation(
  rec: Recommendation,
  skill: Skill,
  plan: RemediationPlan,
  decision: { by: Approval | 'pre-approved'; attempt: number },
  environment: ExecuteEnvironment,
): Promise<RemediationStarted> {
  const steps: RemediationStepResult[] = [];
  let stopped: string | undefined;
  for (const [index, step] of skill.remediation.entries()) {
    const planned = plan.steps[index]!;
    const base = { step: index + 1, title: step.title, action: step.action };
    if (stopped !== undefined) {
      steps.push({ ...base, ...('argv' in planned ? { argv: planned.argv } : {}), result: 'stopped', reason: stopped });
      continue;
    }
    if (!('argv' in planned)) {
      steps.push({ ...base, result: 'manual' });
      continue;
    }
    const reason = await environment.stopReason();
    if (reason !== undefined) {
      stopped = reason;
      steps.push({ ...base, argv: planned.argv, result: 'stopped', reason });
      continue;
    }
    const timeout = environment.timeoutMs ?? REMEDIATION_STEP_TIMEOUT_MS;
    const outcome = await environment.runner(planned.argv, {
      signal: AbortSignal.timeout(timeout),
      env: environment.env,
    });
    if (outcome.kind === 'error') {
      const why = outcome.reason === 'aborted' ? `timed out after ${timeout} ms` : outcome.message;
      steps.push({ ...base, argv: planned.argv, result: 'error', reason: why });
      stopped = `step ${index + 1} could not run`;
    } else {
      steps.push({ ...base, argv: planned.argv, result: outcome.code === 0 ? 'ok' : 'failed', exit: outcome.code });
      if (outcome.code !== 0) stopped = `step ${index + 1} failed (exit ${outcome.code})`;
    }
  }
  return {
    at: environment.at,
    kind: 'remediation_started',
    fingerprint: rec.id,
    node: rec.node,
    ...(rec.service !== undefined ? { service: rec.service } : {}),
    skill: skill.id,
    attempt: decision.attempt,
    approval: decision.by === 'pre-approved' ? 'pre-approved' : decision.by.seq,
    steps,
    verify: { observation: skill.verify.observation, by: formatTime(parseTime(environment.at) + skill.verify.within) },
    max_attempts: skill.max_attempts,
  };
}
