import type { APIRoute } from 'astro';
import { siteModel } from '../lib/data.ts';

/** The summary, nodes and recommendations, for scripts and other dashboards. */
export const GET: APIRoute = async () => {
  const model = await siteModel();
  const body = {
    summary: model.summary,
    since: model.summarySince,
    as_of: model.asOf,
    last_reconcile: model.lastReconcile,
    nodes: Object.fromEntries(
      model.nodes.map((node) => [node.name, { health: node.health, last_seen: node.lastSeen, maintenance: node.maintenance.state, services: node.counts }]),
    ),
    recommendations: model.recommendations,
  };
  return new Response(`${JSON.stringify(body, null, 2)}\n`, { headers: { 'Content-Type': 'application/json' } });
};
