import { appendWhole } from '../fs/atomic.js';
import { readRepoFile } from '../fs/safe-path.js';
import { remediationPause } from '../maintenance/append.js';
import { ADMIN_FILE, foldAdminEvents } from '../model/admin-chain.js';
import {
  formatRemediationLine,
  formatTime,
  REMEDIATIONS_FILE,
  type NodeObservation,
  type RemediationStarted,
} from '../model/index.js';
import type { CommandRunner } from '../observer/runner.js';
import { chronicleFile } from '../repo/chronicle-check.js';
import { guardrailInputs, loadSkillContext } from './context.js';
import { diagnosticEnv } from './diagnose.js';
import { planRemediation, runRemediation } from './execute.js';
import { decideRemediation, type Decision } from './guardrails.js';
import { matchSkills, probeOf } from './match.js';
import { paramsFor } from './params.js';

export interface ExecutorOptions {
  repo: string;
  /** The executor acts for its own node only. */
  node: string;
  now: number;
  runner: CommandRunner;
  env: Record<string, string | undefined>;
  /** One line of output per recommendation considered. */
  say: (line: string) => void;
  /** Runs a write holding the checkout's lock (the steps themselves run without it). */
  locked: <T>(work: () => Promise<T>) => Promise<T>;
}

export interface ExecutorResult {
  /** Lines appended to chronicle/remediations.jsonl (none in dry run, none when nothing was allowed). */
  started: RemediationStarted[];
  refused: number;
}

/**
 * The opt-in executor, after an observation: for each recommendation of status/ on this node,
 * the most specific skill (as `runbookFor` shows it), the guardrails' decision and, when
 * allowed, the skill's runnable steps. Refusals are printed, not recorded: a quiet run writes
 * nothing. The admin chain is re-read from disk before every step, so a pause stops an attempt
 * between two steps.
 */
export async function runExecutor(options: ExecutorOptions): Promise<ExecutorResult> {
  const result: ExecutorResult = { started: [], refused: 0 };
  const context = await loadSkillContext(options.repo);
  const { policy } = context.model;
  if (!policy.remediation.execute) {
    options.say('executor disabled by policy');
    return result;
  }
  if (context.catalogue.problems.length > 0) {
    options.say(`executor: ${context.catalogue.problems.length} problem(s) in inventory/skills/; nothing runs`);
    return result;
  }
  const chain = context.model.problems.find((problem) => problem.code === 'admin_chain');
  if (chain) {
    options.say(`executor: ${chain.file}:${chain.line}: ${chain.message}; nothing runs`);
    return result;
  }
  const inputs = guardrailInputs(context, options.now);
  const at = formatTime(options.now);
  const dryRun = policy.remediation.dry_run;
  let missingNewline = chronicleFile(context.model, REMEDIATIONS_FILE).missingNewline;
  for (const rec of context.recommendations.filter((candidate) => candidate.node === options.node)) {
    const skill = matchSkills(rec, context.catalogue.skills, context.facts(rec))[0];
    if (!skill) continue;
    // status/ is the last reconcile's: a service this very observation found healthy needs nothing.
    const healthy = healthyNow(context.model.world.get(rec.node), rec.service);
    if (healthy) {
      result.refused++;
      options.say(`${rec.id}: ${skill.id} refused: ${rec.service} is ok in the observation of ${healthy}`);
      continue;
    }
    const decision = decideRemediation(rec, skill, inputs);
    if (decision.kind === 'refused') {
      result.refused++;
      options.say(`${rec.id}: ${skill.id} refused: ${decision.reasons.join('; ')}`);
      continue;
    }
    const plan = planRemediation(skill, paramsFor(rec, probeOf(context.model, rec)));
    if ('refused' in plan) {
      result.refused++;
      options.say(`${rec.id}: ${skill.id} refused: ${plan.refused}`);
      continue;
    }
    const runs = plan.steps.flatMap((step) => ('argv' in step ? [step.argv.join(' ')] : []));
    if (dryRun) {
      options.say(`${rec.id}: ${skill.id} ${describeBy(decision)}; dry run, would run: ${runs.join('; ')}`);
      continue;
    }
    const line = await runRemediation(rec, skill, plan, decision, {
      runner: options.runner,
      env: diagnosticEnv(options.env),
      stopReason: () => stopReason(options.repo),
      at,
    });
    const text = `${missingNewline ? '\n' : ''}${formatRemediationLine(line)}\n`;
    await options.locked(() => appendWhole(options.repo, REMEDIATIONS_FILE, text));
    missingNewline = false;
    result.started.push(line);
    inputs.attempts = [...inputs.attempts, { start: line }];
    const steps = line.steps.map((step) => `${step.step}. ${step.title}: ${step.result}`).join('; ');
    options.say(
      `${rec.id}: ${skill.id} attempt ${line.attempt} started (${describeBy(decision)}): ${steps}; ` +
        `verify ${line.verify.observation} by ${line.verify.by}`,
    );
  }
  return result;
}

function describeBy(decision: Extract<Decision, { kind: 'allowed' }>): string {
  return decision.by === 'pre-approved' ? 'pre-approved' : `approved by ${decision.by.actor} (seq ${decision.by.seq})`;
}

/** The kill switch, read from disk now: a pause in force or a broken chain stops every further step. */
async function stopReason(repo: string): Promise<string | undefined> {
  const chain = foldAdminEvents((await readRepoFile(repo, ADMIN_FILE)) ?? '');
  if (chain.break) return `${ADMIN_FILE} is broken at seq ${chain.break.seq}`;
  const pause = remediationPause(chain.events);
  return pause ? `remediation paused by ${pause.actor} at ${pause.at} (seq ${pause.seq})` : undefined;
}

/** observed_at of the node's snapshot when it shows the service ok. */
function healthyNow(observation: NodeObservation | undefined, service: string | undefined): string | undefined {
  if (service === undefined || observation?.kind !== 'snapshot') return undefined;
  const found = observation.snapshot.services.find((candidate) => candidate.name === service);
  return found?.status === 'ok' ? observation.snapshot.observed_at : undefined;
}
