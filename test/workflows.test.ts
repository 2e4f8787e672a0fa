import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/action/main.js';
import {
  defaultActionRef,
  KEEPALIVE_CRON,
  packageVersion,
  PINNED_ACTIONS,
  renderWorkflows,
} from '../src/init/index.js';
import { cleanupRepos, PROJECT_ROOT, tempDir } from './helpers/repo.js';

afterAll(cleanupRepos);

const run = promisify(execFile);
const VALIDATOR = path.join(PROJECT_ROOT, 'node_modules/.bin/action-validator');
const WORKFLOWS = ['reconcile.yml', 'validate.yml', 'pages.yml'];

interface Step {
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  permissions?: Record<string, string>;
  steps?: Step[];
  uses?: string;
}
interface Workflow {
  on: Record<string, unknown> & { schedule?: { cron: string }[] };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const text = (name: string) => readFile(path.join(PROJECT_ROOT, '.github/workflows', name), 'utf8');
const load = async (name: string) => parse(await text(name)) as Workflow;
const action = async () =>
  parse(await readFile(path.join(PROJECT_ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, unknown>;
    runs: { using: string; main: string };
  };
const isLabwarden = (uses: string | undefined) => uses?.startsWith('labwarden/labwarden@') ?? false;

describe("this repository's workflows (the demo homelab runs what init scaffolds)", () => {
  it('are exactly the templates init renders for this version', async () => {
    const version = await packageVersion(PROJECT_ROOT);
    const rendered = renderWorkflows({ action: defaultActionRef(version), every: 30, version });
    for (const name of WORKFLOWS)
      expect(await text(name), `${name}: re-render with init's templates`).toBe(rendered.get(name));
  });

  it.each([...WORKFLOWS.map((name) => `.github/workflows/${name}`), 'action.yml'])(
    '%s passes action-validator',
    async (file) => {
      await expect(run(VALIDATOR, [path.join(PROJECT_ROOT, file)])).resolves.toBeDefined();
    },
  );

  it('action-validator does reject a broken workflow', async () => {
    const bad = path.join(await tempDir(), 'bad.yml');
    await writeFile(bad, 'name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n');
    await expect(run(VALIDATOR, [bad])).rejects.toThrow();
  });

  it('action.yml: a node action whose entry is the bundle, on a runtime GitHub and Forgejo runners both accept', async () => {
    const spec = await action();
    expect(spec.runs).toEqual({ using: 'node20', main: 'dist/action/labwarden.mjs' });
    expect(Object.keys(spec.inputs)).toEqual(
      expect.arrayContaining([
        'command',
        'repo',
        'plan-base',
        'base-path',
        'site-url',
        'pages',
        'reconciled-at',
        'out',
        'workflow',
      ]),
    );
  });

  it.each(WORKFLOWS)(
    '%s: every third-party action pinned by commit with its version named; labwarden by version; no run: steps',
    async (name) => {
      const source = await text(name);
      const workflow = await load(name);
      const pins = Object.values(PINNED_ACTIONS);
      for (const line of source.split('\n').filter((entry) => /^\s+(- )?uses: /.test(entry))) {
        const uses = line.replace(/^\s+(- )?uses: /, '');
        if (uses.startsWith('./') || isLabwarden(uses)) continue;
        expect(uses, line).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
        expect(pins.map((pin) => `${pin.uses} # ${pin.version}`)).toContain(uses);
      }
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          expect(step.run, 'nothing is installed or scripted in a workflow: the action does the work').toBeUndefined();
          if (isLabwarden(step.uses)) {
            expect(COMMANDS).toContain(step.with!.command);
            for (const input of Object.keys(step.with ?? {}))
              expect(Object.keys((await action()).inputs)).toContain(input);
          }
        }
      }
      expect(Object.keys(workflow.on)).not.toContain('pull_request_target');
    },
  );

  it('least privilege: nothing at workflow level beyond read; Pages and OIDC only where deploying; credentials kept only where pushing', async () => {
    for (const name of WORKFLOWS) {
      const workflow = await load(name);
      expect([{}, { contents: 'read' }], name).toContainEqual(workflow.permissions);
      for (const [jobName, job] of Object.entries(workflow.jobs)) {
        const permissions = job.permissions ?? {};
        const deploys =
          (job.steps ?? []).some((step) => step.uses?.startsWith('actions/deploy-pages@')) ||
          job.uses === './.github/workflows/pages.yml';
        expect(permissions['id-token'] === 'write' || permissions.pages === 'write', `${name} ${jobName}`).toBe(
          deploys,
        );
        const pushes = permissions.contents === 'write';
        for (const step of (job.steps ?? []).filter((entry) => entry.uses?.startsWith('actions/checkout@'))) {
          expect(step.with?.['persist-credentials'], `${name} ${jobName}: no push, no persisted token`).toBe(
            pushes ? undefined : false,
          );
        }
      }
    }
    const reconcile = await load('reconcile.yml');
    expect(reconcile.jobs.reconcile!.permissions).toEqual({ contents: 'write' });
    expect(reconcile.jobs.keepalive!.permissions).toEqual({ actions: 'write' });
    const pages = await load('pages.yml');
    expect(pages.jobs.build!.permissions).toEqual({ contents: 'read', pages: 'read' });
    expect(pages.jobs.deploy!.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
  });

  it('reconcile.yml: one job per idle run; keepalive only on its own daily cron; the site only when the cycle says so', async () => {
    const workflow = await load('reconcile.yml');
    expect(workflow.on.schedule).toEqual([{ cron: '*/30 * * * *' }, { cron: KEEPALIVE_CRON }]);
    expect(workflow.jobs.reconcile!.if).toBe(`\${{ github.event.schedule != '${KEEPALIVE_CRON}' }}`);
    expect(workflow.jobs.keepalive!.if).toBe(`\${{ github.event.schedule == '${KEEPALIVE_CRON}' }}`);
    expect(workflow.jobs.site!.if).toContain("needs.reconcile.outputs.site == 'true'");
    const steps = workflow.jobs.reconcile!.steps!;
    expect(steps.map((step) => step.uses?.replace(/@.*/, ''))).toEqual(['actions/checkout', 'labwarden/labwarden']);
    expect(steps[1]!.with).toEqual({ command: 'cycle' });
    expect(steps[1]!.env).toEqual({ DISCORD_WEBHOOK_URL: '${{ secrets.DISCORD_WEBHOOK_URL }}' });
  });

  it('pages.yml: the base path comes from configure-pages at run time', async () => {
    const build = (await load('pages.yml')).jobs.build!.steps!;
    const site = build.find((step) => isLabwarden(step.uses))!;
    expect(site.with).toMatchObject({
      command: 'site',
      'base-path': '${{ steps.pages.outputs.base_path }}',
      pages: '${{ steps.pages.outcome }}',
    });
  });

  it('validate.yml: pull_request, read-only, no secrets', async () => {
    const source = await text('validate.yml');
    const workflow = await load('validate.yml');
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(source).not.toMatch(/secrets\.|github\.token|GITHUB_TOKEN/);
    expect(workflow.jobs.validate!.steps![0]!.with).toEqual({ 'fetch-depth': 2, 'persist-credentials': false });
  });
});
