/**
 * Synthetic homelabs for benchmarks and reliability tests: N nodes × M services with a
 * realistic mix of drift, dependencies, deployments, incidents and a chronicle. The same
 * options (seed included) always give the same bytes.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as jsYaml from 'js-yaml';

export interface HomelabOptions {
  nodes: number;
  services: number;
  seed: number;
  /** Format of the world snapshots (inventory is always YAML). */
  format: 'yaml' | 'json';
  /** Lines in chronicle/incidents.jsonl (default 0: no chronicle). */
  chronicleLines?: number;
}

/** The `--now` the generated world is written against: most nodes are fresh at this time. */
export const GENERATED_NOW = '2026-11-22T10:05:00Z';
const NOW_MS = Date.parse(GENERATED_NOW);

const SERVICE_NAMES = [
  'postgres',
  'redis',
  'traefik',
  'jellyfin',
  'nextcloud',
  'grafana',
  'prometheus',
  'loki',
  'gitea',
  'vaultwarden',
  'home-assistant',
  'mosquitto',
  'pihole',
  'immich',
  'paperless',
  'syncthing',
  'uptime-kuma',
  'minio',
  'restic',
  'unifi',
  'wireguard',
  'node-exporter',
  'cadvisor',
  'frigate',
];

/** mulberry32: small, fast and deterministic; Math.random is neither seedable nor stable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const nodeName = (index: number) => `node-${String(index).padStart(4, '0')}`;
export const serviceName = (index: number) =>
  index < SERVICE_NAMES.length
    ? SERVICE_NAMES[index]!
    : `${SERVICE_NAMES[index % SERVICE_NAMES.length]}-${Math.floor(index / SERVICE_NAMES.length)}`;

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The repo as `{ relative path: content }`, for in-memory use (tests, fuzzing). */
export function generateHomelabFiles(options: HomelabOptions): Record<string, string> {
  const random = seededRandom(options.seed);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const files: Record<string, string> = {};
  const dump = (value: unknown) => jsYaml.dump(value, { lineWidth: -1, noRefs: true });

  files['inventory/policy.yaml'] = dump({
    stale_after: '15m',
    block_after_failures: 3,
    min_severity: 'warning',
    repeat_interval: '4h',
  });

  for (let n = 0; n < options.nodes; n++) {
    const node = nodeName(n);
    files[`inventory/hosts/${node}/host.yaml`] = dump({
      address: `10.${Math.floor(n / 250)}.${n % 250}.1`,
      role: pick(['compute', 'storage', 'edge', 'media']),
      labels: chance(0.3) ? ['rack-a'] : [],
      critical: chance(0.05),
    });

    const services = [];
    for (let s = 0; s < options.services; s++) {
      // Dependencies point only to lower (node, service) indices, so there is never a cycle.
      const depends: string[] = [];
      if (s > 0 && chance(0.4)) depends.push(serviceName(Math.floor(random() * s)));
      if (n > 0 && chance(0.05))
        depends.push(`${nodeName(Math.floor(random() * n))}/${serviceName(Math.floor(random() * options.services))}`);
      const failover =
        options.nodes > 1 && chance(0.3)
          ? [nodeName((n + 1 + Math.floor(random() * (options.nodes - 1))) % options.nodes)]
          : [];
      const port = 8000 + s;
      const probe = pick([
        { http: `http://10.0.${n % 250}.1:${port}/health`, expect: 200 },
        { tcp: `10.0.${n % 250}.1:${port}` },
        { systemd: `${serviceName(s)}.service` },
        { docker: serviceName(s) },
      ]);
      services.push({
        name: serviceName(s),
        critical: chance(0.1),
        depends_on: [...new Set(depends)],
        failover,
        probe,
      });
    }
    files[`inventory/hosts/${node}/services.yaml`] = dump({ services });

    // World: mostly healthy, with every drift of the table present somewhere.
    if (chance(0.01)) continue; // no snapshot at all
    const stale = chance(0.02);
    const observedAt = NOW_MS - (stale ? 3_600_000 : 60_000 * (1 + Math.floor(random() * 10)));
    const observed = [];
    const deployments = [];
    for (let s = 0; s < options.services; s++) {
      const name = serviceName(s);
      const roll = random();
      if (roll < 0.02) continue; // missing
      const status = roll < 0.92 ? 'ok' : roll < 0.96 ? 'degraded' : roll < 0.99 ? 'failed' : 'stopped';
      observed.push(status === 'ok' ? { name, status } : { name, status, detail: `${status} since last probe` });
      const count = 1 + Math.floor(random() * 3);
      const failing = chance(0.03);
      for (let d = 0; d < count; d++) {
        const at = observedAt - (count - d) * 3_600_000 - Math.floor(random() * 600) * 1000;
        const result = failing && d > 0 ? 'failed' : d === count - 1 && chance(0.01) ? 'in_progress' : 'success';
        deployments.push({ service: name, at: iso(at), result, version: `1.${s}.${d}` });
      }
    }
    if (chance(0.01)) observed.push({ name: 'stray-container', status: 'ok' });
    const incidents = [];
    if (chance(0.05)) {
      incidents.push({
        id: `inc-${node}`,
        severity: pick(['info', 'warning', 'critical']),
        summary: 'UPS on battery',
        opened_at: iso(observedAt - 1_800_000),
        resolved_at: chance(0.5) ? iso(observedAt - 600_000) : null,
      });
    }
    const snapshot = {
      node,
      observed_at: iso(observedAt),
      status: chance(0.03) ? 'offline' : 'online',
      services: observed,
      deployments,
      incidents,
    };
    if (options.format === 'json') files[`world/nodes/${node}.json`] = `${JSON.stringify(snapshot, null, 2)}\n`;
    else files[`world/nodes/${node}.yaml`] = dump(snapshot);
  }

  const lines = options.chronicleLines ?? 0;
  if (lines > 0) {
    // Lines in the chronicle's own format (src/chronicle/line.ts): each fingerprint alternates opened / resolved.
    let out = '';
    const open = new Set<string>();
    for (let i = 0; i < lines; i++) {
      const node = nodeName(Math.floor(random() * options.nodes));
      const service = serviceName(0);
      const fingerprint = `${node}/${service}/unhealthy_service`;
      const event = open.has(fingerprint) ? 'resolved' : 'opened';
      if (event === 'opened') open.add(fingerprint);
      else open.delete(fingerprint);
      out += `${JSON.stringify({ id: `g${String(i).padStart(8, '0')}`, at: iso(NOW_MS - (lines - i) * 60_000), event, fingerprint, node, service, drift: 'unhealthy_service', severity: 'warning', recommendation: 'reconcile_required', action: 'redeploy', reason: 'status failed' })}\n`;
    }
    files['chronicle/incidents.jsonl'] = out;
  }
  return files;
}

/** Writes a generated homelab repo to `options.dir` (emptied first). Returns the files written. */
export async function generateHomelab(options: HomelabOptions & { dir: string }): Promise<Record<string, string>> {
  const { dir } = options;
  const files = generateHomelabFiles(options);
  await rm(dir, { recursive: true, force: true });
  const dirs = new Set(Object.keys(files).map((file) => path.dirname(path.join(dir, file))));
  for (const folder of dirs) await mkdir(folder, { recursive: true });
  const entries = Object.entries(files);
  for (let i = 0; i < entries.length; i += 64) {
    await Promise.all(entries.slice(i, i + 64).map(([file, text]) => writeFile(path.join(dir, file), text)));
  }
  return files;
}
