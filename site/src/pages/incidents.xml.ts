import type { APIRoute } from 'astro';
import { renderIncidentFeed } from '../../../src/site/feed.ts';
import { siteModel } from '../lib/data.ts';
import { href } from '../lib/format.ts';

export const GET: APIRoute = async ({ site }) => {
  const model = await siteModel();
  const absolute = (path: string) => (site ? new URL(path, site).href : path);
  const body = renderIncidentFeed(model.timeline, {
    pageUrl: absolute(href('incidents/')),
    selfUrl: absolute(href('incidents.xml')),
    updated: model.timeline[0]?.at ?? model.asOf,
    // The site URL (--site) names the installation; without one, the homelab's own node names.
    installation: site ? absolute(href()) : `nodes:${model.nodes.map((node) => node.name).join(',')}`,
  });
  return new Response(body, { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } });
};
