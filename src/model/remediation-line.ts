import { z } from 'zod';
import { Timestamp } from './time.js';
import { REMEDIATION_ACTIONS, VERIFY_OBSERVATIONS } from './skill.js';

export const DIAGNOSTICS_FILE = 'chronicle/diagnostics.jsonl';
export const REMEDIATIONS_FILE = 'chronicle/remediations.jsonl';

/** One line of chronicle/diagnostics.jsonl: one read-only diagnostic step as run (src/skills/diagnose.ts). */
export const DiagnosticLine = z.looseObject({
  at: Timestamp,
  fingerprint: z.string(),
  node: z.string(),
  service: z.string().optional(),
  skill: z.string(),
  step: z.number().int().min(1),
  title: z.string(),
  kind: z.enum(['run', 'http_get', 'tcp_connect']),
  target: z.array(z.string()),
  result: z.enum(['ok', 'failed', 'error', 'skipped']),
  exit: z.number().int().optional(),
  output: z.string().optional(),
  stderr: z.string().optional(),
  truncated: z.boolean().optional(),
  reason: z.string().optional(),
});
export type DiagnosticLine = z.infer<typeof DiagnosticLine>;

/**
 * One remediation step as the executor handled it: `ok`/`failed` (exit code), `error` (could not
 * run, timed out), `manual` (no argv: a person's step, never run), `skipped` (a parameter failed
 * its check), `stopped` (not run: the kill switch was pulled or an earlier step failed).
 */
export const RemediationStepResult = z.strictObject({
  step: z.number().int().min(1),
  title: z.string(),
  action: z.enum(REMEDIATION_ACTIONS),
  argv: z.array(z.string()).optional(),
  result: z.enum(['ok', 'failed', 'error', 'manual', 'skipped', 'stopped']),
  exit: z.number().int().optional(),
  reason: z.string().optional(),
});
export type RemediationStepResult = z.infer<typeof RemediationStepResult>;

const Attempt = {
  at: Timestamp,
  fingerprint: z.string(),
  node: z.string(),
  service: z.string().optional(),
  skill: z.string(),
  attempt: z.number().int().min(1),
};

/**
 * chronicle/remediations.jsonl. The executor appends `remediation_started` (what ran, on whose
 * approval, what verifies it and by when); reconcile concludes each attempt from later
 * observations with `remediation_succeeded` or `remediation_failed` (`started` names the attempt).
 */
export const RemediationStarted = z.looseObject({
  ...Attempt,
  kind: z.literal('remediation_started'),
  /** The approve_remediation event's seq, or `pre-approved` (policy or a skill without approval). */
  approval: z.union([z.number().int().min(1), z.literal('pre-approved')]),
  steps: z.array(RemediationStepResult),
  verify: z.strictObject({ observation: z.enum(VERIFY_OBSERVATIONS), by: Timestamp }),
  max_attempts: z.number().int().min(1),
});
export type RemediationStarted = z.infer<typeof RemediationStarted>;

export const RemediationConcluded = z.looseObject({
  ...Attempt,
  kind: z.enum(['remediation_succeeded', 'remediation_failed']),
  /** `at` of the remediation_started line this concludes. */
  started: Timestamp,
  /** The observation that decided (world snapshot observed_at). */
  observed_at: Timestamp,
  reason: z.string().optional(),
});
export type RemediationConcluded = z.infer<typeof RemediationConcluded>;

export const RemediationLine = z.union([RemediationStarted, RemediationConcluded]);
export type RemediationLine = z.infer<typeof RemediationLine>;

const ORDER = [
  'at',
  'kind',
  'fingerprint',
  'node',
  'service',
  'skill',
  'attempt',
  'started',
  'observed_at',
  'approval',
  'steps',
  'verify',
  'max_attempts',
  'reason',
] as const;
const STEP_ORDER = ['step', 'title', 'action', 'argv', 'result', 'exit', 'reason'] as const;

function ordered<K extends string>(value: Partial<Record<K, unknown>>, keys: readonly K[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

/** A line as written: fixed key order (steps too), so equal attempts give equal bytes. */
export function formatRemediationLine(line: RemediationLine): string {
  const out = ordered(line as Partial<Record<(typeof ORDER)[number], unknown>>, ORDER);
  if (line.kind === 'remediation_started') {
    const started = line as RemediationStarted;
    out.steps = started.steps.map((step) => ordered(step, STEP_ORDER));
    out.verify = { observation: started.verify.observation, by: started.verify.by };
  }
  return JSON.stringify(out);
}
