import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { git } from './git.js';
import { tempDir } from './repo.js';

/**
 * Runs a workflow's jobs the way a runner does, for the subset labwarden's workflows use:
 * jobs in `needs` order with `if:` and `needs.*.outputs`, steps in order, `uses:` resolved to
 * stand-ins for GitHub's actions and to a real folder for labwarden's (its bundled entry run
 * with `node`, inputs as INPUT_*, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_ENV files),
 * `run:` steps in bash, `uses: ./.github/workflows/X.yml` as a reusable workflow.
 */

interface Step {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'continue-on-error'?: boolean;
}
interface Job {
  needs?: string | string[];
  if?: string;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps?: Step[];
  uses?: string;
  with?: Record<string, unknown>;
  permissions?: Record<string, string>;
}
interface Workflow {
  jobs: Record<string, Job>;
}

export interface StepRecord {
  job: string;
  name: string;
  outcome: 'success' | 'failure' | 'skipped';
  seconds: number;
  log: string;
}
export interface JobRecord {
  name: string;
  result: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
  seconds: number;
  summary: string;
  /** Present in .git/config of the workspace while a step ran (checkout's persisted token). */
  permissions?: Record<string, string>;
}
export interface RunRecord {
  jobs: JobRecord[];
  steps: StepRecord[];
  /** Artifacts handed to deploy-pages (the folder upload-pages-artifact was given). */
  deployed: string[];
}

export interface RunnerOptions {
  /** The repository's bare remote; `actions/checkout` clones it. */
  remote: string;
  event: { name: string; schedule?: string; payload?: Record<string, unknown> };
  /** `uses:` prefix (before `@`) → folder holding action.yml, e.g. the scaffold's action ref → this checkout. */
  actions: Record<string, string>;
  /** configure-pages' outputs (base_path etc.), or 'failure' when Pages is not enabled. */
  pages?: Record<string, string> | 'failure';
  secrets?: Record<string, string>;
  /** Extra environment for every step (e.g. a Discord stand-in's URL). */
  env?: Record<string, string>;
}

interface Context {
  github: Record<string, unknown>;
  needs: Record<string, { outputs: Record<string, string>; result: string }>;
  steps: Record<string, { outputs: Record<string, string>; outcome: string }>;
  inputs: Record<string, string>;
  secrets: Record<string, string>;
  job: { status: string };
}

// ---- expressions: the subset the workflows use (==, !=, &&, ||, !, literals, contexts, cancelled/always/success) ----

function lookup(context: Context, dotted: string): unknown {
  let value: unknown = context;
  for (const part of dotted.split('.'))
    value = value === undefined || value === null ? undefined : (value as Record<string, unknown>)[part];
  return value;
}

export function evaluate(expression: string, context: Context): unknown {
  const tokens = expression.match(/'(?:[^']|'')*'|==|!=|&&|\|\||!|\(|\)|[\w.-]+(?:\(\))?/g) ?? [];
  let index = 0;
  const peek = () => tokens[index];
  const primary = (): unknown => {
    const token = tokens[index++]!;
    if (token === '(') {
      const value = or();
      index++;
      return value;
    }
    if (token === '!') return !truthy(primary());
    if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
    if (token === 'true' || token === 'false') return token === 'true';
    if (/^\d+$/.test(token)) return Number(token);
    if (token === 'cancelled()') return false;
    if (token === 'always()') return true;
    if (token === 'success()') return context.job.status === 'success';
    if (token === 'failure()') return context.job.status === 'failure';
    return lookup(context, token);
  };
  const truthy = (value: unknown) =>
    value !== undefined && value !== null && value !== '' && value !== false && value !== 0;
  const loose = (value: unknown) => (value === undefined || value === null ? '' : String(value));
  const comparison = (): unknown => {
    let left = primary();
    while (peek() === '==' || peek() === '!=') {
      const op = tokens[index++];
      const right = primary();
      left = op === '==' ? loose(left) === loose(right) : loose(left) !== loose(right);
    }
    return left;
  };
  const and = (): unknown => {
    let left = comparison();
    while (peek() === '&&') {
      index++;
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): unknown => {
    let left = and();
    while (peek() === '||') {
      index++;
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  return or();
}

const isTrue = (value: unknown) =>
  value !== undefined && value !== null && value !== '' && value !== false && value !== 0;

function substitute(text: string, context: Context): string {
  return text.replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_, expression: string) => {
    const value = evaluate(expression, context);
    return value === undefined || value === null ? '' : String(value);
  });
}

function condition(text: string | undefined, context: Context, fallback: string): boolean {
  const expression = (text ?? fallback).replace(/^\$\{\{\s*|\s*\}\}$/g, '');
  return isTrue(evaluate(expression, context));
}

async function readOutputs(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([\w-]+)<<(.+)$/.exec(lines[i]!);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (/^[\w-]+=/.test(lines[i]!)) {
      const at = lines[i]!.indexOf('=');
      outputs[lines[i]!.slice(0, at)] = lines[i]!.slice(at + 1);
    }
  }
  return outputs;
}

function exec(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<{ code: number; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, log }));
  });
}

/** Runs `file` (a path to a workflow) for one event; returns every job and step as it went. */
export async function runWorkflow(
  file: string,
  options: RunnerOptions,
  callInputs: Record<string, string> = {},
  record: RunRecord = { jobs: [], steps: [], deployed: [] },
): Promise<RunRecord> {
  const workflow = parse(await readFile(file, 'utf8')) as Workflow;
  const github = {
    event_name: options.event.name,
    event: { schedule: options.event.schedule, ...options.event.payload },
    ref: 'refs/heads/main',
    repository: 'owner/homelab',
    server_url: 'https://github.com',
    run_id: '1',
    token: 'ghs_stand-in-token',
  };
  const needs: Context['needs'] = {};
  const pending = Object.entries(workflow.jobs);
  while (pending.length > 0) {
    const at = pending.findIndex(([, job]) => [job.needs ?? []].flat().every((name) => name in needs));
    const [name, job] = pending.splice(at, 1)[0]!;
    const context: Context = {
      github,
      needs,
      steps: {},
      inputs: callInputs,
      secrets: options.secrets ?? {},
      job: { status: 'success' },
    };
    const dependenciesOk = [job.needs ?? []].flat().every((need) => needs[need]!.result === 'success');
    if (!condition(job.if, context, dependenciesOk ? 'success()' : 'false')) {
      needs[name] = { outputs: {}, result: 'skipped' };
      record.jobs.push({ name, result: 'skipped', outputs: {}, seconds: 0, summary: '' });
      continue;
    }
    const started = performance.now();
    if (job.uses) {
      // A reusable workflow: its jobs run inside this one.
      const inputs = Object.fromEntries(
        Object.entries(job.with ?? {}).map(([key, value]) => [key, substitute(String(value), context)]),
      );
      const inner = await runWorkflow(path.join(path.dirname(file), path.basename(job.uses)), options, inputs, record);
      const failed = inner.jobs.some((entry) => entry.result === 'failure');
      needs[name] = { outputs: {}, result: failed ? 'failure' : 'success' };
      record.jobs.push({
        name,
        result: needs[name]!.result as 'success' | 'failure',
        outputs: {},
        seconds: (performance.now() - started) / 1000,
        summary: '',
      });
      continue;
    }
    const jobRecord = await runJob(name, job, context, options, record);
    jobRecord.seconds = (performance.now() - started) / 1000;
    record.jobs.push(jobRecord);
    needs[name] = { outputs: jobRecord.outputs, result: jobRecord.result };
  }
  return record;
}

async function runJob(
  name: string,
  job: Job,
  context: Context,
  options: RunnerOptions,
  record: RunRecord,
): Promise<JobRecord> {
  const runnerDir = await tempDir('labwarden-runner-');
  const workspace = path.join(runnerDir, 'workspace');
  const temp = path.join(runnerDir, 'temp');
  await mkdir(workspace, { recursive: true });
  await mkdir(temp, { recursive: true });
  const summaryFile = path.join(temp, 'step_summary');
  const eventFile = path.join(temp, 'event.json');
  await writeFile(
    eventFile,
    JSON.stringify({
      schedule: options.event.schedule,
      repository: { default_branch: 'main' },
      ...options.event.payload,
    }),
  );
  await writeFile(summaryFile, '');
  const jobEnv = Object.fromEntries(
    Object.entries(job.env ?? {}).map(([key, value]) => [key, substitute(value, context)]),
  );
  let status: 'success' | 'failure' = 'success';
  for (const [index, step] of (job.steps ?? []).entries()) {
    context.job.status = status;
    const label = step.id ?? step.uses ?? step.run ?? String(index);
    if (!condition(step.if, context, 'success()')) {
      if (step.id) context.steps[step.id] = { outputs: {}, outcome: 'skipped' };
      record.steps.push({ job: name, name: label, outcome: 'skipped', seconds: 0, log: '' });
      continue;
    }
    const started = performance.now();
    const outputFile = path.join(temp, `output_${index}`);
    await writeFile(outputFile, '');
    const stepEnv = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([key, value]) => [key, substitute(value, context)]),
    );
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? runnerDir,
      TZ: 'UTC',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_NAME: options.event.name,
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REPOSITORY: 'owner/homelab',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '1',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_ENV: path.join(temp, 'env'),
      RUNNER_TEMP: temp,
      ...options.env,
      ...jobEnv,
      ...stepEnv,
    };
    const withs = Object.fromEntries(
      Object.entries(step.with ?? {}).map(([key, value]) => [key, substitute(String(value), context)]),
    );
    let code = 0;
    let log = '';
    if (step.run !== undefined) {
      ({ code, log } = await exec('bash', ['-e', '-c', substitute(step.run, context)], { cwd: workspace, env }));
    } else if (step.uses?.startsWith('actions/checkout@')) {
      // A fresh clone of the remote, on the branch tip; the token stays in .git/config unless told not to.
      ({ code, log } = await exec(
        'git',
        [
          'clone',
          '--quiet',
          '--depth',
          String(withs['fetch-depth'] ?? 1),
          '--no-local',
          `file://${options.remote}`,
          workspace,
        ],
        { cwd: runnerDir, env },
      ));
      if (code === 0 && withs['persist-credentials'] !== 'false')
        await git(workspace, 'config', 'http.https://github.com/.extraheader', 'AUTHORIZATION: basic stand-in');
    } else if (step.uses?.startsWith('actions/configure-pages@')) {
      if (options.pages === 'failure' || options.pages === undefined) {
        code = 1;
        log =
          'Get Pages site failed. Please verify that the repository has Pages enabled and configured to build using GitHub Actions';
      } else {
        await writeFile(
          outputFile,
          Object.entries(options.pages)
            .map(([key, value]) => `${key}=${value}\n`)
            .join(''),
        );
      }
    } else if (step.uses?.startsWith('actions/upload-pages-artifact@')) {
      record.deployed.push(path.resolve(workspace, withs.path ?? '_site/'));
    } else if (step.uses?.startsWith('actions/deploy-pages@')) {
      await writeFile(outputFile, 'page_url=https://owner.github.io/homelab/\n');
    } else if (step.uses) {
      const dir = options.actions[step.uses.replace(/@.*$/, '')];
      if (!dir) throw new Error(`no stand-in for uses: ${step.uses}`);
      const action = parse(await readFile(path.join(dir, 'action.yml'), 'utf8')) as {
        inputs?: Record<string, { default?: string }>;
        runs: { using: string; main: string };
      };
      if (!/^node\d+$/.test(action.runs.using)) throw new Error(`${step.uses}: runs.using ${action.runs.using}`);
      // Inputs as the runner passes them: every declared input, defaulted, as INPUT_<NAME>.
      for (const [key, spec] of Object.entries(action.inputs ?? {})) {
        env[`INPUT_${key.replace(/ /g, '_').toUpperCase()}`] = withs[key] ?? substitute(spec.default ?? '', context);
      }
      ({ code, log } = await exec(process.execPath, [path.join(dir, action.runs.main)], { cwd: workspace, env }));
    }
    const outcome = code === 0 ? 'success' : 'failure';
    if (step.id) context.steps[step.id] = { outputs: await readOutputs(outputFile), outcome };
    record.steps.push({ job: name, name: label, outcome, seconds: (performance.now() - started) / 1000, log });
    if (outcome === 'failure' && !step['continue-on-error']) status = 'failure';
  }
  context.job.status = status;
  const outputs = Object.fromEntries(
    Object.entries(job.outputs ?? {}).map(([key, value]) => [key, substitute(value, context)]),
  );
  return {
    name,
    result: status,
    outputs,
    seconds: 0,
    summary: await readFile(summaryFile, 'utf8'),
    permissions: job.permissions,
  };
}
