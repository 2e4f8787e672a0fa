import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { DiagnosticStep, Recommendation, Skill } from '../model/index.js';
import type { CommandRunner } from '../observer/runner.js';
import { expandTemplate, type ParamsResult } from './params.js';
import { redact, truncateBytes } from './redact.js';

export { DIAGNOSTICS_FILE } from '../model/remediation-line.js';

/** What one step's output may add to the chronicle, per stream. */
export const MAX_OUTPUT_BYTES = 4096;

/** One line of chronicle/diagnostics.jsonl: one diagnostic step, as run. Keys in this order. */
export interface DiagnosticLine {
  at: string;
  fingerprint: string;
  node: string;
  service?: string;
  skill: string;
  step: number;
  title: string;
  kind: 'run' | 'http_get' | 'tcp_connect';
  /** The argv run, the URL fetched or the address connected to, as run (redacted). */
  target: string[];
  result: 'ok' | 'failed' | 'error' | 'skipped';
  exit?: number;
  output?: string;
  stderr?: string;
  truncated?: boolean;
  reason?: string;
}

export interface DiagnoseEnvironment {
  runner: CommandRunner;
  /** The children's whole environment: PATH and a C locale, never our secrets. */
  env: NodeJS.ProcessEnv;
  /** Values scrubbed from every output (see redact.ts). */
  secrets: readonly string[];
  at: string;
}

/**
 * Runs a skill's read-only diagnostics for one recommendation, one step after another (a node
 * under pressure should not get them all at once), each with its timeout, and returns the
 * chronicle lines. Argv goes to the program as it is: no shell, so a `;` or `$(...)` anywhere
 * is an argument's text, and placeholders come only from validated names (params.ts).
 */
export async function runDiagnostics(
  rec: Recommendation,
  skill: Skill,
  params: ParamsResult,
  environment: DiagnoseEnvironment,
): Promise<DiagnosticLine[]> {
  const lines: DiagnosticLine[] = [];
  for (const [index, step] of skill.diagnostics.entries()) {
    const base = {
      at: environment.at,
      fingerprint: rec.id,
      node: rec.node,
      ...(rec.service !== undefined ? { service: rec.service } : {}),
      skill: skill.id,
      step: index + 1,
      title: step.title,
    };
    lines.push({ ...base, ...(await runStep(step, params, environment)) });
  }
  return lines;
}

type StepOutcome = Omit<DiagnosticLine, 'at' | 'fingerprint' | 'node' | 'service' | 'skill' | 'step' | 'title'>;

async function runStep(
  step: DiagnosticStep,
  params: ParamsResult,
  environment: DiagnoseEnvironment,
): Promise<StepOutcome> {
  const kind = step.run ? 'run' : step.http_get !== undefined ? 'http_get' : 'tcp_connect';
  const templates = step.run ?? [step.http_get ?? step.tcp_connect!];
  const target: string[] = [];
  for (const template of templates) {
    const expanded = expandTemplate(template, params);
    if ('missing' in expanded)
      return { kind, target: templates.map((t) => redact(t)), result: 'skipped', reason: `needs ${expanded.missing}` };
    target.push(expanded.value);
  }
  const shown = target.map((part) => redact(part, environment.secrets));
  const signal = AbortSignal.timeout(step.timeout);
  const clip = (text: string) => truncateBytes(redact(text, environment.secrets), MAX_OUTPUT_BYTES);
  if (kind === 'run') {
    const result = await environment.runner(target, { signal, env: environment.env });
    if (result.kind === 'error') {
      const reason = result.reason === 'aborted' ? `timed out after ${step.timeout} ms` : result.message;
      return { kind, target: shown, result: 'error', reason };
    }
    const out = clip(result.stdout);
    const err = clip(result.stderr);
    return {
      kind,
      target: shown,
      result: result.code === 0 ? 'ok' : 'failed',
      exit: result.code,
      output: out.text,
      ...(err.text ? { stderr: err.text } : {}),
      ...(out.truncated || err.truncated ? { truncated: true } : {}),
    };
  }
  if (kind === 'http_get') {
    const got = await httpGet(target[0]!, signal);
    if ('error' in got)
      return {
        kind,
        target: shown,
        result: 'error',
        reason: signal.aborted ? `timed out after ${step.timeout} ms` : got.error,
      };
    const body = clip(got.body);
    return {
      kind,
      target: shown,
      result: got.status < 400 ? 'ok' : 'failed',
      output: `HTTP ${got.status}\n${body.text}`,
      ...(body.truncated ? { truncated: true } : {}),
    };
  }
  const connected = await tcpConnect(target[0]!, signal);
  return connected === true
    ? { kind, target: shown, result: 'ok', output: 'connected' }
    : {
        kind,
        target: shown,
        result: 'failed',
        reason: signal.aborted ? `timed out after ${step.timeout} ms` : connected,
      };
}

/** One GET, no redirects followed, the body read up to twice what is kept (the rest is dropped). */
function httpGet(url: string, signal: AbortSignal): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const client = url.startsWith('https:') ? https : http;
    const request = client.get(url, { signal, headers: { 'user-agent': 'labwarden-diagnose' } }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < MAX_OUTPUT_BYTES * 2) chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_OUTPUT_BYTES * 2) response.destroy();
      });
      const done = () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      response.on('end', done);
      response.on('close', done);
      response.on('error', done);
    });
    request.on('error', (error) => resolve({ error: error.message }));
  });
}

function tcpConnect(address: string, signal: AbortSignal): Promise<true | string> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(colon + 1));
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, signal });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code ? `${error.code}: ${error.message}` : error.message),
    );
  });
}

const ORDER = [
  'at',
  'fingerprint',
  'node',
  'service',
  'skill',
  'step',
  'title',
  'kind',
  'target',
  'result',
  'exit',
  'output',
  'stderr',
  'truncated',
  'reason',
] as const;

/** A line as written: fixed key order, so equal findings give equal bytes. */
export function formatDiagnosticLine(line: DiagnosticLine): string {
  const out: Record<string, unknown> = {};
  for (const key of ORDER) if (line[key] !== undefined) out[key] = line[key];
  return JSON.stringify(out);
}

/** The children's environment: enough to find and run the tools, nothing else. */
export function diagnosticEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return {
    PATH: env.PATH ?? '/usr/bin:/bin',
    LC_ALL: 'C',
    ...(env.HOME ? { HOME: env.HOME } : {}),
    ...(env.DOCKER_HOST ? { DOCKER_HOST: env.DOCKER_HOST } : {}),
  };
}
