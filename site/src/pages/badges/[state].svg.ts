import type { APIRoute, GetStaticPaths } from 'astro';
import { renderBadge } from '../../../../src/site/badge.ts';
import type { SummaryState } from '../../../../src/site/model.ts';

/** One badge per summary state, for tools that pick the image themselves. */
export const getStaticPaths = (() =>
  (['nominal', 'degraded', 'unstable', 'reconciling', 'unknown'] as const).map((state) => ({
    params: { state },
  }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) =>
  new Response(renderBadge(params.state as SummaryState), { headers: { 'Content-Type': 'image/svg+xml' } });
