import type { APIRoute } from 'astro';
import { renderBadge } from '../../../src/site/badge.ts';
import { siteModel } from '../lib/data.ts';

/** The current summary as a README badge. */
export const GET: APIRoute = async () =>
  new Response(renderBadge((await siteModel()).summary), { headers: { 'Content-Type': 'image/svg+xml' } });
