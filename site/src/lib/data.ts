import { readFile } from 'node:fs/promises';
import type { SiteModel } from '../../../src/site/model.ts';

// Astro renders every page in one process; the model is read once and shared by all pages.
let model: Promise<SiteModel> | undefined;

/**
 * The homelab the site shows: the model `labwarden site build` computed from the repo (one
 * reader, RepoModel) and handed over as a JSON file. The pages render it and read nothing else.
 * Run by hand (`astro dev` in site/), the same loader reads LABWARDEN_REPO, else the cwd.
 */
export function siteModel(): Promise<SiteModel> {
  const file = process.env.LABWARDEN_SITE_MODEL;
  model ??= file
    ? readFile(file, 'utf8').then((text) => JSON.parse(text) as SiteModel)
    : import('../../../src/site/load.ts').then(({ loadSiteModel }) =>
        loadSiteModel(process.env.LABWARDEN_REPO ?? process.cwd()),
      );
  return model;
}

/** The time relative times are written against at build: the data's reference time (`asOf`). */
export async function asOfMs(): Promise<number | null> {
  const { asOf } = await siteModel();
  return asOf === null ? null : Date.parse(asOf);
}
