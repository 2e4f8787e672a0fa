// Alert count over a noisy synthetic week: NotifyGate vs one message per chronicle change.
// Deterministic (seeded); runs NotifyGate every 5 minutes exactly as `labwarden notify` would.
// Usage: npm run bench:notify
import { defaultPolicy } from '../dist/model/index.js';
import { simulateRuns } from '../dist/notify/simulate.js';

const START = Date.parse('2026-11-16T00:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

const NODES = ['apps', 'backup', 'gateway', 'media', 'pi', 'rack1', 'rack2', 'rack3', 'storage'];
const SERVICES = { apps: ['nextcloud', 'gitea', 'vaultwarden'], backup: ['restic'], gateway: ['traefik', 'wireguard'], media: ['jellyfin', 'sonarr', 'radarr'], pi: ['pihole', 'homeassistant'], storage: ['minio', 'postgres', 'nfs', 'redis'] };
const lines = [];
const admin = [];
let n = 0;
const episodes = [];
function emit(at, event, fingerprint, severity, extra = {}) {
  const [node, a, b] = fingerprint.split('/');
  const service = b ? a : undefined;
  const drift = b ?? a;
  lines.push({ id: `L${++n}`, at: iso(at), event, fingerprint, node, ...(service ? { service } : {}), drift, severity, recommendation: 'reconcile_required', action: drift === 'offline_node' ? 'failover_review' : 'redeploy', reason: `${drift} observed` });
}
function episode(from, to, fingerprint, severity, { escalateAt, label } = {}) {
  emit(from, 'opened', fingerprint, severity);
  if (escalateAt && escalateAt < to) emit(escalateAt, 'escalated', fingerprint, 'critical');
  emit(to, 'resolved', fingerprint, escalateAt && escalateAt < to ? 'critical' : severity);
  episodes.push({ fingerprint, from, to, severity, label: label ?? 'noise' });
}

// 2. Flapping services: jellyfin's healthcheck flips every 5–15 minutes for 8 hours on
//    day 1; pihole flips for 3 hours on night 4.
function flap(fingerprint, from, hours) {
  let at = from;
  let flips = 0;
  while (at < from + hours * HOUR) {
    emit(at, 'opened', fingerprint, 'warning');
    const down = (2 + Math.floor(random() * 6)) * MIN;
    emit(at + down, 'resolved', fingerprint, 'warning');
    flips += 1;
    if (flips === 3) emit(at + down + MIN, 'flapping', fingerprint, 'warning');
    at += down + (3 + Math.floor(random() * 8)) * MIN;
  }
  emit(at + 30 * MIN, 'stable', fingerprint, 'warning');
  episodes.push({ fingerprint, from, to: at + 30 * MIN, severity: 'warning', label: 'flapping' });
}
flap('media/jellyfin/unhealthy_service', START + DAY + 9 * HOUR + MIN, 8);
flap('pi/pihole/unhealthy_service', START + 4 * DAY + HOUR + MIN, 3);
// 1. Background all week: 20 real incidents (some escalate), 10 info-level blips, and 25
//    healthcheck hiccups shorter than 10 minutes.
const plain = Object.entries(SERVICES).flatMap(([node, services]) => services.map((service) => `${node}/${service}`));
function background(count, { minLength, spread, severity, label }) {
  for (let made = 0, tries = 0; made < count && tries < 1000; tries += 1) {
    const fingerprint = `${plain[Math.floor(random() * plain.length)]}/unhealthy_service`;
    const from = START + Math.floor(random() * 7 * DAY / (5 * MIN)) * 5 * MIN + 2 * MIN;
    const length = (minLength + Math.floor(random() * spread)) * MIN;
    if (episodes.some((e) => e.fingerprint.startsWith(fingerprint.split('/').slice(0, 2).join('/')) && from < e.to + HOUR && e.from < from + length + HOUR)) continue;
    episode(from, from + length, fingerprint, severity, { escalateAt: severity === 'warning' && length > 45 * MIN ? from + 35 * MIN : undefined, label });
    made += 1;
  }
}
background(20, { minLength: 15, spread: 120, severity: 'warning', label: 'real incident' });
background(10, { minLength: 5, spread: 60, severity: 'info', label: 'info blip' });
background(25, { minLength: 1, spread: 8, severity: 'warning', label: 'hiccup (<10m)' });
// 3. Rack outage: day 3, 14:02–16:02, rack1..3 offline; dependents elsewhere blocked.
{
  const from = START + 3 * DAY + 14 * HOUR + 2 * MIN;
  const to = from + 2 * HOUR;
  for (const node of ['rack1', 'rack2', 'rack3']) episode(from, to, `${node}/offline_node`, 'critical', { label: 'rack outage' });
  for (const fingerprint of plain.slice(0, 12)) episode(from + 3 * MIN, to + 4 * MIN, `${fingerprint}/dependency_unavailable`, 'warning', { label: 'rack outage (dependent)' });
}
// 4. Maintenance window: day 5, storage in maintenance 10:00–13:00; its services churn.
{
  const from = START + 5 * DAY + 10 * HOUR;
  admin.push({ seq: 1, at: iso(from), actor: 'ops', action: 'enter_maintenance', node: 'storage', reason: 'disk swap' });
  admin.push({ seq: 2, at: iso(from + 3 * HOUR), actor: 'ops', action: 'exit_maintenance', node: 'storage' });
  for (const [index, service] of SERVICES.storage.entries()) {
    for (let k = 0; k < 3; k += 1) {
      const start = from + (10 + index * 7 + k * 50) * MIN;
      episode(start, start + 20 * MIN, `storage/${service}/unhealthy_service`, 'warning', { label: 'maintenance' });
    }
  }
  episode(from + 5 * MIN, from + 40 * MIN, 'storage/offline_node', 'critical', { label: 'maintenance' });
}
// 5. The pipeline stops: day 6, 02:00–03:00, every node stale at once.
{
  const from = START + 6 * DAY + 2 * HOUR + MIN;
  for (const node of NODES) episode(from, from + HOUR, `${node}/offline_node`, 'critical', { label: 'pipeline stopped' });
}
// 6. A long incident: open from day 2 to day 4 (reminders every repeat_interval).
episode(START + 2 * DAY + 8 * HOUR + MIN, START + 4 * DAY + 8 * HOUR + MIN, 'backup/restic/unhealthy_service', 'warning', { label: 'long-running' });

const runs = Array.from({ length: (7 * DAY) / (5 * MIN) + 1 }, (_, i) => START + i * 5 * MIN);
const labelOf = new Map(episodes.map((e) => [e.fingerprint + '@' + e.from, e.label]));
console.log(`synthetic week: ${NODES.length} nodes, ${episodes.length} incident episodes, ${lines.length} chronicle lines, ${runs.length} notify runs (every 5m)`);
console.log(`naive (one message per change): ${lines.length}`);
let failed = false;
for (const [name, policy] of [['default policy', defaultPolicy()], ['alert_after: 10m', { ...defaultPolicy(), alert_after: 10 * MIN }]]) {
  const started = performance.now();
  const results = simulateRuns({ incidents: lines, admin, policy, nodes: NODES, runs });
  const elapsed = performance.now() - started;
  const messages = results.filter((r) => r.plan.messageKey !== null);
  const items = results.flatMap((r) => r.plan.items.map((item) => ({ at: r.at, ...item })));
  // Coverage: every episode at or above min_severity is announced (directly, or under its
  // root cause: the offline node, the stopped pipeline), or suppressed by a logged rule.
  const sentIn = (predicate, from, to) => items.some((i) => predicate(i) && i.at >= from && i.at <= to + 5 * MIN);
  const coverage = { direct: 0, root_cause: 0, maintenance: 0, below_min_severity: 0, alert_after: 0, unannounced: [] };
  for (const e of episodes) {
    if (e.severity === 'info') coverage.below_min_severity += 1;
    else if (sentIn((i) => i.fingerprint === e.fingerprint, e.from, e.to)) coverage.direct += 1;
    else if (e.label === 'pipeline stopped' && sentIn((i) => i.kind === 'pipeline_stale', e.from, e.to)) coverage.root_cause += 1;
    else if (e.label === 'rack outage (dependent)' && sentIn((i) => i.drift === 'offline_node', e.from, e.to)) coverage.root_cause += 1;
    else if (e.label === 'maintenance') coverage.maintenance += 1;
    else if (policy.alert_after > 0 && e.to - e.from < policy.alert_after) coverage.alert_after += 1;
    else coverage.unannounced.push(e);
  }
  const decided = new Set(results.flatMap((r) => r.plan.decisions.flatMap((d) => d.lines)));
  const byLabel = {};
  for (const e of episodes) byLabel[e.label] ??= { lines: 0, items: 0 };
  for (const line of lines) {
    const e = episodes.find((x) => x.fingerprint === line.fingerprint && Date.parse(line.at) >= x.from && Date.parse(line.at) <= x.to);
    if (e) byLabel[e.label].lines += 1;
  }
  for (const item of items) {
    const e = episodes.find((x) => x.fingerprint === item.fingerprint && item.at >= x.from && item.at <= x.to + 10 * MIN);
    byLabel[e ? e.label : item.kind.startsWith('pipeline') ? 'pipeline stopped' : 'other'] ??= { lines: 0, items: 0 };
    byLabel[e ? e.label : item.kind.startsWith('pipeline') ? 'pipeline stopped' : 'other'].items += 1;
  }
  console.log(`\n[${name}] NotifyGate messages: ${messages.length} (${items.length} alert items, grouped per run) → ${(lines.length / messages.length).toFixed(1)}× fewer than naive`);
  for (const [label, counts] of Object.entries(byLabel)) console.log(`  ${label.padEnd(24)} ${String(counts.lines).padStart(4)} changes → ${String(counts.items).padStart(3)} alert items`);
  console.log(`  coverage: ${coverage.direct} announced, ${coverage.root_cause} under their root cause, ${coverage.maintenance} suppressed by maintenance, ${coverage.below_min_severity} below min_severity, ${coverage.alert_after} shorter than alert_after (all logged), ${coverage.unannounced.length} unannounced`);
  console.log(`  every chronicle line decided and logged: ${lines.every((line) => decided.has(line.id))}; planner ${(elapsed / runs.length).toFixed(1)} ms/run`);
  if (coverage.unannounced.length > 0) {
    console.log(coverage.unannounced);
    failed = true;
  }
}
// Each scenario alone, and the named noise sources (flapping, rack outage, maintenance window, pipeline stop) together (its chronicle lines only): changes vs messages.
console.log('\n[each scenario alone, default policy]');
const episodeOf = (line) => episodes.find((x) => x.fingerprint === line.fingerprint && Date.parse(line.at) >= x.from && Date.parse(line.at) <= x.to);
for (const label of [...new Set(episodes.map((e) => e.label))]) {
  const own = lines.filter((line) => episodeOf(line)?.label === label || (label === 'rack outage' && episodeOf(line)?.label === 'rack outage (dependent)'));
  if (label === 'rack outage (dependent)') continue;
  const results = simulateRuns({ incidents: own, admin: label === 'maintenance' ? admin : [], policy: defaultPolicy(), nodes: NODES, runs });
  const count = results.filter((r) => r.plan.messageKey !== null).length;
  console.log(`  ${label.padEnd(24)} ${String(own.length).padStart(4)} changes → ${String(count).padStart(3)} messages${count ? ` (${(own.length / count).toFixed(1)}×)` : ''}`);
}
{
  const noisy = new Set(['flapping', 'rack outage', 'rack outage (dependent)', 'maintenance', 'pipeline stopped']);
  const own = lines.filter((line) => noisy.has(episodeOf(line)?.label));
  const results = simulateRuns({ incidents: own, admin, policy: defaultPolicy(), nodes: NODES, runs });
  const count = results.filter((r) => r.plan.messageKey !== null).length;
  console.log(`  ${'noise sources together'.padEnd(24)} ${String(own.length).padStart(4)} changes → ${String(count).padStart(3)} messages (${(own.length / count).toFixed(1)}×)`);
}
if (failed) process.exitCode = 1;
