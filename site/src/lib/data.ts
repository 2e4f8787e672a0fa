import { loadSiteModel } from '../../../src/site/load.ts';
import type { SiteModel } from '../../../src/site/model.ts';

// Astro renders every page in one process; the repo is read once and shared by all pages.
let model: Promise<SiteModel> | undefined;

/** The homelab the site shows: LABWARDEN_REPO (set by `labwarden site build`), else the cwd. */
export function siteModel(): Promise<SiteModel> {
  const repo = process.env.LABWARDEN_REPO ?? process.cwd();
  const now = process.env.LABWARDEN_NOW ? Date.parse(process.env.LABWARDEN_NOW) : undefined;
  // Set by `site build --heartbeat-remote`, which fetched the reconciler heartbeat branch.
  model ??= loadSiteModel(repo, now, process.env.LABWARDEN_LAST_RECONCILE || undefined);
  return model;
}

/** The time relative times are written against at build: the data's reference time (`asOf`). */
export async function asOfMs(): Promise<number | null> {
  const { asOf } = await siteModel();
  return asOf === null ? null : Date.parse(asOf);
}
