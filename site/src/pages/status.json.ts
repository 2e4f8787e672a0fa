import type { APIRoute } from 'astro';
import { siteStatus } from '../../../src/site/status-json.ts';
import { siteModel } from '../lib/data.ts';

/** The summary, nodes and recommendations, for scripts and other dashboards (schema: status.schema.json). */
export const GET: APIRoute = async () => {
  const body = siteStatus(await siteModel());
  return new Response(`${JSON.stringify(body, null, 2)}\n`, { headers: { 'Content-Type': 'application/json' } });
};
