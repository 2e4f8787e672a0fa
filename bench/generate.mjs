// Synthetic homelab generator for benchmarks and large-fixture tests. Deterministic: the
// same options always write the same files (a fixed-seed PRNG, times from `now`).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const DAY = 86_400_000;
const SERVICES = ['web', 'db', 'cache', 'queue', 'proxy', 'metrics', 'logs', 'backup'];

function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * Writes inventory/, world/ and chronicle/incidents.jsonl for `nodes` nodes with
 * `servicesPerNode` services each; about 5% of services unhealthy, 2% of nodes offline,
 * and `incidentsPerNode` incidents spread over the last 90 days. Returns the node names.
 */
export async function writeSyntheticHomelab(
  dir,
  { nodes = 1000, servicesPerNode = 4, incidentsPerNode = 1, now = '2026-11-22T10:00:00Z', seed = 7 } = {},
) {
  const random = prng(seed);
  const nowMs = Date.parse(now);
  const names = [];
  const writes = [];
  const incidents = [];
  for (let n = 0; n < nodes; n++) {
    const node = `node${String(n).padStart(4, '0')}`;
    names.push(node);
    const services = SERVICES.slice(0, servicesPerNode);
    const offline = random() < 0.02;
    const hostDir = path.join(dir, 'inventory/hosts', node);
    writes.push(
      mkdir(hostDir, { recursive: true }).then(() =>
        Promise.all([
          writeFile(
            path.join(hostDir, 'host.yaml'),
            `address: 10.0.${Math.floor(n / 250)}.${(n % 250) + 1}\nrole: worker\nlabels: [rack-${n % 8}]\n`,
          ),
          writeFile(
            path.join(hostDir, 'services.yaml'),
            `services:\n${services.map((s, i) => `  - name: ${s}\n${i > 0 ? `    depends_on: [${services[0]}]\n` : ''}    probe: { docker: ${s} }\n`).join('')}`,
          ),
        ]),
      ),
    );
    const observedAt = offline ? iso(nowMs - 3 * 3_600_000) : iso(nowMs);
    const world = services.map((s) => {
      const roll = random();
      const status = roll < 0.03 ? 'failed' : roll < 0.05 ? 'degraded' : 'ok';
      return `  - { name: ${s}, status: ${status}${status === 'ok' ? '' : ', detail: "probe said no"'} }\n`;
    });
    writes.push(
      mkdir(path.join(dir, 'world/nodes'), { recursive: true }).then(() =>
        writeFile(
          path.join(dir, 'world/nodes', `${node}.yaml`),
          `node: ${node}\nobserved_at: ${observedAt}\nstatus: online\nservices:\n${world.join('')}deployments:\n  - { service: ${services[0]}, at: ${iso(nowMs - 5 * DAY)}, result: success, version: 1.0.${n % 10} }\n`,
        ),
      ),
    );
    for (let i = 0; i < incidentsPerNode; i++) {
      const service = services[Math.floor(random() * services.length)];
      const opened = nowMs - Math.floor(random() * 89 * DAY);
      const resolved = opened + Math.floor(random() * 6 * 3_600_000) + 60_000;
      const severity = random() < 0.3 ? 'critical' : 'warning';
      const id = `${node}/${service}/unhealthy_service/${iso(opened)}`;
      const base = {
        id,
        fingerprint: `${node}/${service}/unhealthy_service`,
        node,
        service,
        drift: 'unhealthy_service',
        severity,
        recommendation: 'reconcile_required',
        action: 'redeploy',
      };
      incidents.push({ ...base, at: iso(opened), event: 'opened', reason: 'status failed: probe said no' });
      if (resolved < nowMs) incidents.push({ ...base, at: iso(resolved), event: 'resolved', reason: 'status ok' });
    }
  }
  await Promise.all(writes);
  incidents.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  await mkdir(path.join(dir, 'chronicle'), { recursive: true });
  await writeFile(
    path.join(dir, 'chronicle/incidents.jsonl'),
    incidents.map((line) => `${JSON.stringify(line)}\n`).join(''),
  );
  return names;
}
