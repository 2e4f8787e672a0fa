import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { UserError } from '../errors/problem.js';
import { buildSite, normalizeBase, SITE_ROOT } from '../site/build.js';
import { readReconcilerHeartbeat } from '../watchdog/reconciler-heartbeat.js';
import { annotate, appendSummary, setOutputs, type RunnerContext } from './runner.js';

/** The action's own folder (action.yml, site/, package-lock.json), where Astro is installed. */
export const ACTION_ROOT = path.dirname(SITE_ROOT);

function astroInstalled(): boolean {
  try {
    createRequire(path.join(ACTION_ROOT, 'package.json')).resolve('astro/package.json');
    return true;
  } catch {
    return false;
  }
}

function npm(context: RunnerContext, args: string[]): Promise<number> {
  context.log(`$ npm ${args.join(' ')}   (in ${ACTION_ROOT})`);
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd: ACTION_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

export interface SiteInputs {
  repo: string;
  out: string;
  /** From actions/configure-pages: `/homelab` for a project site, `` for a user site or custom domain. */
  basePath: string;
  siteUrl?: string;
  /** configure-pages' outcome: `failure` when Pages is not enabled for the repository. */
  pages?: string;
  /** The reconcile job's `reconciled-at`; else the heartbeat branch is fetched if the checkout can. */
  reconciledAt?: string;
}

/**
 * Builds the status site. Only this mode needs Astro, so only the (rare) site job installs
 * it: `npm ci --omit=dev` from the action's own lockfile, in the action's own folder, with
 * scripts off; the scheduled job runs the bundle alone.
 */
export async function runSite(context: RunnerContext, inputs: SiteInputs): Promise<number> {
  if (inputs.pages === 'failure') {
    annotate(
      context,
      'error',
      'GitHub Pages is not enabled for this repository, so the site cannot be deployed. Enable it: Settings → Pages → Build and deployment → Source: GitHub Actions; then re-run this workflow.',
    );
    return 2;
  }
  if (!astroInstalled()) {
    const code = await npm(context, ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
    if (code !== 0) {
      annotate(
        context,
        'error',
        `npm ci in ${ACTION_ROOT} failed (exit ${code}): the site builder (Astro) could not be installed. Re-run the job; if it keeps failing, the npm registry may be unreachable from this runner.`,
      );
      return 1;
    }
  }
  try {
    const base = normalizeBase(inputs.basePath || '/');
    const lastReconcile =
      inputs.reconciledAt ||
      (await readReconcilerHeartbeat(inputs.repo, { remote: 'origin', fetch: true }).catch(() => undefined));
    const started = performance.now();
    await buildSite({ repo: inputs.repo, out: inputs.out, base, site: inputs.siteUrl || undefined, lastReconcile });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    context.log(`site built in ${seconds}s under ${base}: ${inputs.out}`);
    await appendSummary(
      context,
      `### labwarden site\n\nbuilt in ${seconds}s under \`${base}\`${inputs.siteUrl ? ` for ${inputs.siteUrl}` : ''}.`,
    );
    await setOutputs(context, { out: inputs.out, 'base-path': base });
    return 0;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    annotate(context, 'error', `${error.message}${error.hint ? ` — ${error.hint}` : ''}`);
    return error.exitCode;
  }
}
