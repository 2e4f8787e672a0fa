import type { NodeStatus, ReconcileResult, Summary } from '../model/index.js';
import { EVENTS } from '../model/recommendation.js';
import { paint, type Io } from './io.js';
import { describeDrain } from '../maintenance/state.js';
import type { Runbook } from '../skills/match.js';

const SUMMARY_STYLE: Record<Summary, 'green' | 'yellow' | 'red' | 'cyan'> = {
  nominal: 'green',
  reconciling: 'cyan',
  degraded: 'yellow',
  unstable: 'red',
};

const SEVERITY_STYLE = { info: 'gray', warning: 'yellow', critical: 'red' } as const;
const HEALTH_STYLE = { online: 'green', offline: 'red', unknown: 'magenta' } as const;

/** The terminal view of status/recommendations.json; colours only add to the words, never replace them. */
export function renderStatus(
  result: ReconcileResult,
  io: Io,
  runbooks: ReadonlyMap<string, Runbook> = new Map(),
): string {
  const lines: string[] = [];
  const nodes = Object.entries(result.nodes);
  const services = nodes.reduce((sum, [, node]) => sum + node.services.total, 0);
  lines.push(
    `${paint(io, 'bold', 'labwarden')}  summary: ${paint(io, ['bold', SUMMARY_STYLE[result.summary]], result.summary.toUpperCase())}  ` +
      `(${nodes.length} nodes, ${services} services, ${result.recommendations.length} recommendations)`,
    '',
  );
  if (nodes.length > 0) {
    lines.push(paint(io, 'bold', 'Nodes'));
    const width = nodes.reduce((max, [name]) => Math.max(max, name.length), 0);
    for (const [name, node] of nodes) {
      const counts = node.services;
      const parts = [`${counts.ok}/${counts.total} ok`];
      if (counts.degraded) parts.push(`${counts.degraded} degraded`);
      if (counts.failed) parts.push(`${counts.failed} failed`);
      if (counts.missing) parts.push(`${counts.missing} missing`);
      const seen = node.health === 'online' || node.last_seen === null ? '' : `  last seen ${node.last_seen}`;
      lines.push(
        `  ${name.padEnd(width)}  ${paint(io, HEALTH_STYLE[node.health], node.health.padEnd(7))}  ${parts.join(', ')}${seen}${maintenanceLabel(node)}`,
      );
      lines.push(...maintenanceDetail(node));
    }
    lines.push('');
  }
  for (const event of EVENTS) {
    const recs = result.recommendations.filter((rec) => rec.event === event);
    if (recs.length === 0) continue;
    lines.push(paint(io, 'bold', `${event} (${recs.length})`));
    for (const rec of recs) {
      const target = rec.service ? `${rec.node}/${rec.service}` : rec.node;
      const flags = [
        paint(io, SEVERITY_STYLE[rec.severity], rec.severity),
        ...(rec.in_progress ? ['in progress'] : []),
        ...(rec.escalated ? ['escalated'] : []),
        ...(rec.flapping ? ['flapping'] : []),
        ...(rec.deferred ? ['deferred'] : []),
        ...(rec.not_before ? [`not before ${rec.not_before}`] : []),
        ...(rec.maintenance_window ? [`maintenance: ${rec.maintenance_window}`] : []),
      ];
      lines.push(
        `  ${paint(io, 'bold', target)}  ${rec.drift} -> ${rec.action}  [${flags.join(', ')}]${rec.since ? `  since ${rec.since}` : ''}`,
      );
      lines.push(`      ${rec.reason}`);
      const runbook = runbooks.get(rec.id);
      if (runbook) {
        lines.push(`      runbook: ${runbook.title} (${runbook.skill}, risk ${runbook.risk}); next: ${runbook.next}`);
      }
    }
    lines.push('');
  }
  if (result.admin_chain) {
    const { break: at, ignored } = result.admin_chain;
    lines.push(
      paint(
        io,
        ['bold', 'red'],
        `chronicle/admin.jsonl broken at seq ${at.seq} (line ${at.line}): ${at.reason}; ${ignored} events ignored`,
      ),
      '',
    );
  }
  if (result.recommendations.length === 0) lines.push('No drift: everything runs as desired.', '');
  return lines.join('\n');
}

function maintenanceLabel(node: NodeStatus): string {
  const m = node.maintenance;
  if (!m || (m.state === 'Active' && !m.cordoned)) return '';
  const drain = m.drain && m.state !== 'Maintenance' ? `, ${describeDrain(m.drain)}` : '';
  const cordon = m.cordoned && m.state !== 'Cordoned' ? ', cordoned' : '';
  return `  [${m.state}${m.since ? ` since ${m.since}` : ''}${drain}${cordon}${m.until ? `, until ${m.until}` : ''}]`;
}

function maintenanceDetail(node: NodeStatus): string[] {
  const m = node.maintenance;
  if (!m || (m.state === 'Active' && !m.cordoned)) return [];
  const out: string[] = [];
  if (m.reason || m.actor) out.push(`      ${m.actor ? `by ${m.actor}` : ''}${m.reason ? `: ${m.reason}` : ''}`);
  if (m.state === 'DrainFailed' && m.drain) {
    for (const blocker of m.drain.blockers) out.push(`      blocked: ${blocker.reason}`);
    for (const way of m.drain.ways_out ?? []) out.push(`      way out: ${way}`);
  }
  if (m.suppressed?.length) out.push(`      drift recorded, not raised: ${m.suppressed.join(', ')}`);
  return out;
}
