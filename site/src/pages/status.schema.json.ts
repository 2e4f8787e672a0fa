import type { APIRoute } from 'astro';
import { siteStatusSchema } from '../../../src/site/status-json.ts';

/** The JSON Schema of status.json (also in the repo: schema/site-status.schema.json). */
export const GET: APIRoute = () =>
  new Response(siteStatusSchema(), { headers: { 'Content-Type': 'application/schema+json' } });
