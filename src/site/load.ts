import { readRepoFile } from '../fs/safe-path.js';
import { buildRepoModel, readRepoSources, type RepoModel } from '../repo/index.js';
import { builtinSkills, loadSkills } from '../skills/index.js';
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
    skills: readSkills(repo),
    status: await readJson(repo, 'status/recommendations.json'),
    insights: await readJson(repo, 'status/insights.json'),
    now,
    lastReconcile: lastReconcile ?? (await readReconcilerHeartbeat(repo).catch(() => undefined)),
  };
}

/**
 * The skills, once per build. A problem in inventory/skills/ leaves that skill out (loadSkills
 * locates it); whatever else goes wrong reading them, the site is still built, with the
 * built-in skills and the problem listed among its notes.
 */
function readSkills(repo: string): SiteInputs['skills'] {
  try {
    return loadSkills(repo);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      skills: builtinSkills(),
      problems: [
        { code: 'unreadable_file', file: 'inventory/skills', line: 1, col: 1, message: `not read: ${message}` },
      ],
    };
  }
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
