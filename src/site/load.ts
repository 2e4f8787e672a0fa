import { readRepoFile } from '../fs/safe-path.js';
import { buildRepoModel, readRepoSources, type RepoModel } from '../repo/index.js';
import { readReconcilerHeartbeat } from '../watchdog/reconciler-heartbeat.js';
import { buildSiteModel, type SiteInputs, type SiteModel } from './model.js';

async function readJson(repo: string, file: string): Promise<unknown> {
  const text = await readRepoFile(repo, file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Reads what the site shows from a homelab repo. Every file but inventory/ may be absent.
 * `lastReconcile` defaults to the reconciler heartbeat as known locally (its git-ignored file, or
 * the heartbeat branch as last fetched); `site build --heartbeat-remote` fetches it first.
 */
export async function readSiteInputs(
  repo: string,
  now?: number,
  lastReconcile?: string,
  model?: RepoModel,
): Promise<SiteInputs> {
  model ??= buildRepoModel(await readRepoSources(repo));
  return {
    repo: model,
    status: await readJson(repo, 'status/recommendations.json'),
    insights: await readJson(repo, 'status/insights.json'),
    now,
    lastReconcile: lastReconcile ?? (await readReconcilerHeartbeat(repo).catch(() => undefined)),
  };
}

/** The site's model; `model` is the repo as a caller already read it (a runner cycle reads it once). */
export async function loadSiteModel(
  repo: string,
  now?: number,
  lastReconcile?: string,
  model?: RepoModel,
): Promise<SiteModel> {
  return buildSiteModel(await readSiteInputs(repo, now, lastReconcile, model));
}
