import { z } from 'zod';
import { Duration } from './time.js';
import { NAME_PATTERN } from './names.js';
import { DRIFTS } from './recommendation.js';

/**
 * A remediation skill: a failure mode (what it matches), read-only diagnostics, remediation
 * steps, a risk and how success is verified. Skills are data: the built-in families
 * (src/skills/builtin.ts) and a homelab's own `inventory/skills/<id>.yaml` share this schema.
 *
 * Nothing in a skill is code. Command templates are fixed argv lists whose only variable parts
 * are placeholders filled from validated names (never from free text such as a reason or a
 * detail), and failure modes are bounded wildcard patterns, never regular expressions.
 */

/** Placeholders a template may use; each is filled from a validated name (src/skills/params.ts). */
export const PLACEHOLDERS = ['unit', 'container', 'url', 'address', 'node', 'service', 'since'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Programs a diagnostic step may run, and for the multi-purpose ones the read-only subcommands. */
export const READ_ONLY_PROGRAMS: Record<string, readonly string[] | null> = {
  systemctl: ['status', 'show', 'is-active', 'is-failed', 'is-enabled', 'list-units', 'list-dependencies', 'cat'],
  journalctl: null,
  docker: ['inspect', 'logs', 'ps', 'stats', 'events', 'version', 'info'],
  df: null,
  free: null,
  uptime: null,
  uname: null,
  ss: null,
  ps: null,
  dmesg: null,
};

export const FAMILIES = ['systemd', 'docker', 'http', 'tcp', 'node', 'deployment', 'generic'] as const;
export const MATCH_PROBES = ['http', 'tcp', 'systemd', 'docker', 'command', 'none'] as const;
export const MATCH_DRIFTS = DRIFTS;

/** `{{...}}` is literal (docker's Go templates); `{name}` is a placeholder. */
const TEMPLATE_TOKEN = /(\{\{[^{}]*\}\})|\{([a-z_]+)\}/g;

export type TemplatePart = { literal: string } | { placeholder: string };

/** A template split into literal text and placeholders. */
export function templateParts(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(TEMPLATE_TOKEN)) {
    if (match.index > last) parts.push({ literal: template.slice(last, match.index) });
    parts.push(match[1] !== undefined ? { literal: match[1] } : { placeholder: match[2]! });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ literal: template.slice(last) });
  return parts;
}

/** One argv element: literal text, optionally with `{placeholder}`s; no control characters. */
const ArgTemplate = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\u0000-\u001f\u007f]*$/, { message: 'no control characters' })
  .superRefine((arg, ctx) => {
    for (const part of templateParts(arg)) {
      if ('placeholder' in part && !(PLACEHOLDERS as readonly string[]).includes(part.placeholder)) {
        const allowed = PLACEHOLDERS.map((p) => `{${p}}`).join(' ');
        ctx.addIssue({ code: 'custom', message: `unknown placeholder {${part.placeholder}}; allowed: ${allowed}` });
      }
      if ('literal' in part && !part.literal.startsWith('{{') && /[{}]/.test(part.literal)) {
        ctx.addIssue({ code: 'custom', message: 'a brace outside a {placeholder} or a {{literal}}' });
      }
    }
  });

const Argv = z.array(ArgTemplate).min(1).max(32);

/**
 * A bounded failure-mode pattern: literal text with `*` (any run) and `?` (one character),
 * matched case-insensitively anywhere in the recommendation's reason. Not a regex: matching
 * is linear in practice and at worst pattern × text, both bounded.
 */
export const DetailPattern = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[^\u0000-\u001f\u007f]*$/, { message: 'no control characters' })
  .refine((pattern) => (pattern.match(/\*/g) ?? []).length <= 8, { message: 'at most 8 `*` in one pattern' })
  .refine((pattern) => pattern.replace(/[*?]/g, '').length >= 2, { message: 'at least 2 literal characters' });

export const SkillMatch = z
  .strictObject({
    probe: z
      .array(z.enum(MATCH_PROBES))
      .min(1)
      .optional()
      .describe('probe kinds of the service (`none`: no probe, node-level)'),
    drift: z.array(z.enum(MATCH_DRIFTS)).min(1).optional().describe('drift kinds of the recommendation'),
    detail: z
      .array(DetailPattern)
      .min(1)
      .max(16)
      .optional()
      .describe('failure-mode patterns on the reason (`*`, `?`); any one matches'),
    same_version_failures: z
      .number()
      .int()
      .min(2)
      .max(100)
      .optional()
      .describe('the latest failed deployments of one version number at least this many in a row (a bad release)'),
  })
  .refine((match) => Object.keys(match).length > 0, { message: 'a match needs at least one of probe, drift, detail' });
export type SkillMatch = z.infer<typeof SkillMatch>;

export const DiagnosticStep = z
  .strictObject({
    title: z.string().min(1).max(200).describe('what this step looks at'),
    run: Argv.optional().describe('argv of a read-only program from PATH; never run through a shell'),
    http_get: ArgTemplate.optional().describe('URL to GET from this node (usually {url})'),
    tcp_connect: ArgTemplate.optional().describe('host:port to connect to (usually {address})'),
    timeout: Duration.prefault('10s').describe('the step is stopped after this long'),
  })
  .superRefine((step, ctx) => {
    const kinds = (['run', 'http_get', 'tcp_connect'] as const).filter((kind) => step[kind] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          'a diagnostic step needs exactly one of run, http_get, tcp_connect' +
          (kinds.length ? `, found ${kinds.join(' and ')}` : ''),
      });
      return;
    }
    if (step.run) {
      const [program, subcommand] = step.run;
      if (!Object.hasOwn(READ_ONLY_PROGRAMS, program!)) {
        ctx.addIssue({
          code: 'custom',
          path: ['run', 0],
          message:
            `"${program}" is not a read-only diagnostic program; ` +
            `allowed: ${Object.keys(READ_ONLY_PROGRAMS).join(', ')}`,
        });
        return;
      }
      const allowed = READ_ONLY_PROGRAMS[program!];
      if (allowed && !allowed.includes(subcommand ?? '')) {
        ctx.addIssue({
          code: 'custom',
          path: ['run', 1],
          message: `${program} ${subcommand ?? ''} is not read-only; allowed: ${allowed.join(', ')}`,
        });
      }
    }
    if (step.timeout > 120_000) ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'at most 2m' });
  });
export type DiagnosticStep = z.infer<typeof DiagnosticStep>;

export const REMEDIATION_ACTIONS = ['restart', 'redeploy_last_good', 'failover', 'run', 'manual'] as const;

export const RemediationStep = z.strictObject({
  action: z
    .enum(REMEDIATION_ACTIONS)
    .describe('restart the unit/container, redeploy the last good version, fail over, run argv, or a manual step'),
  title: z.string().min(1).max(200).describe('the step, for a person'),
  run: Argv.optional().describe('argv for `run` (and to override how restart is done); never through a shell'),
});
export type RemediationStep = z.infer<typeof RemediationStep>;

export const VERIFY_OBSERVATIONS = ['service_ok', 'deployment_success', 'node_online', 'drift_cleared'] as const;

export const Skill = z.strictObject({
  id: z
    .string()
    .regex(NAME_PATTERN, { message: 'an id of lowercase letters, digits and inner dashes (at most 63 characters)' })
    .describe('unique; a homelab skill with the id of a built-in one replaces it'),
  title: z.string().min(1).max(200).describe('the failure mode in a few words, shown beside the recommendation'),
  family: z.enum(FAMILIES).describe('the doctor it belongs to'),
  match: SkillMatch,
  diagnostics: z
    .array(DiagnosticStep)
    .max(16)
    .default([])
    .describe('read-only steps `labwarden diagnose` runs on the node'),
  remediation: z
    .array(RemediationStep)
    .max(16)
    .default([])
    .describe('what fixes it, in order; nothing runs without approval'),
  risk: z.enum(['low', 'medium', 'high']).describe('what the remediation may break'),
  approval_required: z.boolean().default(true).describe('an operator must approve before an executor acts'),
  verify: z
    .strictObject({
      observation: z.enum(VERIFY_OBSERVATIONS).describe('what the next observation must show'),
      within: Duration.prefault('10m').describe('after the remediation; later, the attempt failed'),
    })
    .prefault({ observation: 'drift_cleared' }),
  max_attempts: z.number().int().min(1).max(10).default(2).describe('attempts before the recommendation is blocked'),
});
export type Skill = z.infer<typeof Skill>;
/** As written in a file (durations as text, defaults optional). */
export type SkillInput = z.input<typeof Skill>;

/** The placeholders an argv or URL template uses. */
export function placeholdersOf(template: string): Placeholder[] {
  return templateParts(template).flatMap((part) => ('placeholder' in part ? [part.placeholder as Placeholder] : []));
}
