import path from 'node:path';
import { readIfExists } from '../fs/atomic.js';
import { buildRepoModel, readRepoSources } from '../repo/index.js';
import { AdminEvent, IncidentEvent, parseJsonLines } from './chronicle.js';
import { buildSiteModel, type SiteInputs, type SiteModel } from './model.js';

async function readJson(file: string): Promise<unknown> {
  const text = await readIfExists(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads what the site shows from a homelab repo. Every file but inventory/ may be absent. */
export async function readSiteInputs(repo: string, now?: number): Promise<SiteInputs> {
  const model = buildRepoModel(await readRepoSources(repo));
  const incidents = await readIfExists(path.join(repo, 'chronicle/incidents.jsonl'));
  const admin = await readIfExists(path.join(repo, 'chronicle/admin.jsonl'));
  return {
    repo: model,
    status: await readJson(path.join(repo, 'status/recommendations.json')),
    incidents: incidents === undefined ? undefined : parseJsonLines(incidents, IncidentEvent),
    admin: admin === undefined ? undefined : parseJsonLines(admin, AdminEvent),
    insights: await readJson(path.join(repo, 'status/insights.json')),
    now,
  };
}

export async function loadSiteModel(repo: string, now?: number): Promise<SiteModel> {
  return buildSiteModel(await readSiteInputs(repo, now));
}
