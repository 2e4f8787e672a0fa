import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors/problem.js';
import type { RepoModel } from '../repo/index.js';
import { loadSiteModel } from './load.js';

/** The Astro project shipped with labwarden (site/ beside src/ and dist/). */
export const SITE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../site');

export interface SiteBuildOptions {
  repo: string;
  out: string;
  /** Base path for project sites on GitHub Pages, e.g. `/homelab/`. */
  base: string;
  /** Absolute site URL, for absolute links in the Atom feed. */
  site?: string;
  /** Reference time (ISO) for availability windows; default: the newest time in the data. */
  now?: string;
  /** The last successful reconcile (ISO); default: the reconciler heartbeat as known locally. */
  lastReconcile?: string;
  /** The repo as the caller already read it (a runner cycle's one model); read here otherwise. */
  model?: RepoModel;
}

export interface SiteBuildResult {
  out: string;
  output: string;
}

/** Normalizes a base path to `/`, or `/a/b/` with both slashes. */
export function normalizeBase(base: string): string {
  const trimmed = base.trim().replace(/^\/+|\/+$/g, '');
  if (trimmed !== '' && !/^[A-Za-z0-9._~\-/]+$/.test(trimmed)) {
    throw new UserError(`--base: "${base}" is not a URL path`, {
      hint: 'Use the repository name for GitHub Pages project sites, e.g. --base /homelab/.',
    });
  }
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

/**
 * Builds the site model here (the repo read once, through RepoModel), hands it to `astro build`
 * in a child process as a JSON file (LABWARDEN_SITE_MODEL), and removes the file. The pages only
 * render that model (site/src/lib/data.ts): the child never reads the repo. A child keeps Astro's
 * global state (Vite caches, the renderer registry) out of the CLI process.
 */
export async function buildSite(options: SiteBuildOptions): Promise<SiteBuildResult> {
  if (!(await stat(path.join(options.repo, 'inventory')).catch(() => undefined))?.isDirectory()) {
    throw new UserError(`${options.repo} is not a labwarden repo: inventory/ not found`, {
      hint: 'Pass the homelab repo with --repo DIR.',
    });
  }
  const astro = path.join(path.dirname(createRequire(import.meta.url).resolve('astro/package.json')), 'astro.js');
  const args = [astro, 'build', '--root', SITE_ROOT, '--outDir', options.out, '--base', normalizeBase(options.base)];
  if (options.site) args.push('--site', options.site);
  const now = options.now === undefined ? undefined : Date.parse(options.now);
  const model = await loadSiteModel(options.repo, now, options.lastReconcile, options.model);
  const scratch = await mkdtemp(path.join(tmpdir(), 'labwarden-site-'));
  try {
    const file = path.join(scratch, 'site-model.json');
    await writeFile(file, JSON.stringify(model));
    return await runAstro(args, options.out, file);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function runAstro(args: string[], out: string, modelFile: string): Promise<SiteBuildResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, LABWARDEN_SITE_MODEL: modelFile, ASTRO_TELEMETRY_DISABLED: '1' };
  // Vite lets these environment variables override import.meta.env (a BASE_URL in the
  // caller's environment, as vitest sets, would silently replace --base in every link).
  for (const name of ['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'SITE', 'ASSETS_PREFIX']) delete env[name];
  for (const name of ['LABWARDEN_REPO', 'LABWARDEN_NOW', 'LABWARDEN_LAST_RECONCILE']) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: SITE_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ out, output });
      else reject(new Error(`astro build exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
}
