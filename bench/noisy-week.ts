/**
 * A noisy homelab week, observed the way labwarden observes it: every node's observer
 * reports every 5 minutes, and one minute later reconcile runs the real pipeline
 * (reconcile → advanceChronicle) and NotifyGate runs on the chronicle it wrote.
 *
 * The week is written as *ground truth* (each service's and node's status at each
 * observation), so the naive baseline does not depend on anything labwarden computes:
 * a naive monitor (Uptime Kuma style) sends one message per observed change of one
 * monitor — each service going down or up, each node going offline or online.
 *
 * What happens (Monday 2026-11-16 00:00Z + 7 days), each at a realistic size:
 *  - flapping: media/jellyfin's healthcheck fails on about half the observations for
 *    10 hours on day 1 (dozens of toggles); pi/pihole does the same for 4 hours on night 4.
 *  - rack outage: day 3, 14:00–16:00, rack1..rack3 lose power: 3 nodes and 18 services
 *    down, and 5 services elsewhere that depend on them fail until the rack is back.
 *  - maintenance windows (policy): `patch-night`, Wednesday 01:00 for 2h, on apps, media and
 *    storage: every service restarts twice, storage reboots for 20 minutes; and
 *    `nightly-updates`, 04:00 for 30m every night: each container on apps and media restarts.
 *  - background: 3 real incidents (30 min – 3 h, some escalate), 5 healthcheck hiccups
 *    (one failed observation), storage/restic failing for 24 hours (reminders).
 * The week's policy sets `alert_after: 10m`, as the docs advise for a noisy homelab; the
 * bench also reports the default (0).
 * Deterministic: a fixed seed, no clock, no Math.random.
 */
import { advanceChronicle, sortUnique, type ChronicleHistory, type IncidentLine } from '../src/chronicle/index.js';
import { formatTime, SEVERITY_RANK, type Policy, type Severity } from '../src/model/index.js';
import type { NotifyItem, NotifyPlan } from '../src/notify/plan.js';
import { reconcile, type ReconcileInput } from '../src/reconciler/reconcile.js';
import { notifyTopology, type NotifyTopology } from '../src/notify/topology.js';
import { buildRepoModel } from '../src/repo/index.js';

export const WEEK_START = Date.parse('2026-11-16T00:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
export const OBSERVE_EVERY = 5 * MIN;
export const TICKS = (7 * DAY) / OBSERVE_EVERY;

/** node → services (name, dependencies as node/service). */
export const HOMELAB: Record<string, Record<string, string[]>> = {
  gateway: { traefik: [], wireguard: [] },
  pi: { pihole: [], homeassistant: ['rack2/mosquitto'] },
  apps: {
    nextcloud: ['rack1/postgres', 'rack1/redis'],
    gitea: ['rack1/postgres'],
    vaultwarden: [],
    immich: ['rack2/postgres-immich'],
    paperless: ['rack1/redis'],
  },
  media: { jellyfin: [], sonarr: [], radarr: [], prowlarr: [] },
  storage: { minio: [], nfs: [], restic: [] },
  rack1: { postgres: [], redis: [], mariadb: [], grafana: [], prometheus: [], loki: [] },
  rack2: { mosquitto: [], 'postgres-immich': [], unifi: [], 'uptime-kuma': [], frigate: [], mqtt2influx: [] },
  rack3: { influxdb: [], 'node-red': [], zigbee2mqtt: [], syncthing: [], 'paperless-ai': [], ollama: [] },
};
export const WEEK_NODES = Object.keys(HOMELAB).sort();

export const WEEK_POLICY_YAML = [
  'alert_after: 10m',
  'maintenance_windows:',
  '  - { name: patch-night, cron: "0 1 * * 3", duration: 2h, nodes: [apps, media, storage] }',
  '  - { name: nightly-updates, cron: "0 4 * * *", duration: 30m, nodes: [apps, media] }',
  '',
].join('\n');

export function inventoryFiles(): { path: string; text: string }[] {
  const files = [{ path: 'inventory/policy.yaml', text: WEEK_POLICY_YAML }];
  for (const [node, services] of Object.entries(HOMELAB)) {
    const list = Object.entries(services).map(
      ([name, deps]) => `  - name: ${name}\n` + (deps.length ? `    depends_on: [${deps.join(', ')}]\n` : ''),
    );
    files.push({ path: `inventory/hosts/${node}/services.yaml`, text: `services:\n${list.join('')}` });
  }
  return files;
}

/** Ground truth: per tick, which nodes are down and which services are failing. */
export interface Truth {
  nodeDown: (node: string, tick: number) => boolean;
  serviceDown: (ref: string, tick: number) => boolean;
  /** The scenario a monitor's trouble at `tick` belongs to. */
  scenario: (key: string, tick: number) => string;
}

type Interval = [number, number];
const within = (list: readonly Interval[] | undefined, tick: number) =>
  !!list?.some(([from, to]) => tick >= from && tick < to);
const tickOf = (ms: number) => Math.round((ms - WEEK_START) / OBSERVE_EVERY);

export function weekTruth(): Truth {
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const nodeDown = new Map<string, Interval[]>();
  const serviceDown = new Map<string, Interval[]>();
  const flapping = new Map<string, Set<number>>();
  /** What each monitor's trouble is, for the per-scenario report. */
  const labels: { key: string; from: number; to: number; label: string }[] = [];
  const down = (map: Map<string, Interval[]>, key: string, from: number, to: number, label: string) => {
    map.set(key, [...(map.get(key) ?? []), [from, to]]);
    labels.push({ key, from, to, label });
  };
  const at = (day: number, hour: number, minute = 0) => tickOf(WEEK_START + day * DAY + hour * HOUR + minute * MIN);

  // Flapping: the check fails on about half the observations.
  for (const [ref, from, hours] of [
    ['media/jellyfin', at(1, 9), 10],
    ['pi/pihole', at(4, 1), 4],
  ] as const) {
    const ticks = new Set<number>();
    for (let tick = from; tick < from + (hours * HOUR) / OBSERVE_EVERY; tick++) if (random() < 0.5) ticks.add(tick);
    flapping.set(ref, ticks);
    labels.push({ key: ref, from, to: from + (hours * HOUR) / OBSERVE_EVERY, label: 'flapping' });
  }
  // Rack outage: the nodes are gone; their dependents elsewhere fail meanwhile.
  const rackFrom = at(3, 14);
  const rackTo = at(3, 16);
  for (const node of ['rack1', 'rack2', 'rack3']) down(nodeDown, node, rackFrom, rackTo, 'rack outage');
  for (const [node, services] of Object.entries(HOMELAB)) {
    for (const [name, deps] of Object.entries(services)) {
      if (deps.some((dep) => dep.startsWith('rack')))
        down(serviceDown, `${node}/${name}`, rackFrom + 1, rackTo + 1, 'rack outage');
    }
  }
  // Maintenance window (patch-night, Wednesday = day 2, 01:00–03:00): restarts and a reboot.
  const windowFrom = at(2, 1);
  for (const node of ['apps', 'media', 'storage']) {
    Object.keys(HOMELAB[node]!).forEach((name, index) => {
      for (const round of [0, 1]) {
        const from = windowFrom + 1 + index + round * 10;
        down(serviceDown, `${node}/${name}`, from, from + 1 + Math.floor(random() * 2), 'maintenance window');
      }
    });
  }
  down(nodeDown, 'storage', windowFrom + 6, windowFrom + 10, 'maintenance window');
  // Nightly updates (Watchtower style, 04:00 for 30m): every container on apps and media
  // restarts once, down for one observation.
  for (let day = 0; day < 7; day++) {
    for (const node of ['apps', 'media']) {
      Object.keys(HOMELAB[node]!).forEach((name, index) => {
        const from = at(day, 4) + 1 + (index % 4);
        down(serviceDown, `${node}/${name}`, from, from + 1, 'maintenance window');
      });
    }
  }
  // Background: real incidents, hiccups, one long incident.
  const plain = [
    'gateway/traefik',
    'gateway/wireguard',
    'apps/vaultwarden',
    'media/sonarr',
    'media/radarr',
    'media/prowlarr',
    'storage/minio',
    'rack1/grafana',
    'rack2/unifi',
    'rack3/syncthing',
  ];
  const busy = (ref: string, from: number, to: number) =>
    (serviceDown.get(ref) ?? []).some(([a, b]) => from < b + 12 && a < to + 12);
  const background = (count: number, minTicks: number, spread: number, label: string) => {
    for (let made = 0, tries = 0; made < count && tries < 1000; tries++) {
      const ref = plain[Math.floor(random() * plain.length)]!;
      const from = Math.floor(random() * (TICKS - 48)) + 12;
      const to = from + minTicks + Math.floor(random() * spread);
      if (busy(ref, from, to) || (from < rackTo + 12 && rackFrom < to + 12)) continue;
      down(serviceDown, ref, from, to, label);
      made++;
    }
  };
  down(serviceDown, 'storage/restic', at(4, 8), at(5, 8), 'long incident');
  background(3, 6, 30, 'real incident');
  background(5, 1, 1, 'hiccup');

  return {
    scenario: (key, tick) =>
      labels.find(
        (entry) => (entry.key === key || entry.key === key.split('/')[0]) && tick >= entry.from && tick < entry.to,
      )?.label ?? 'other',
    nodeDown: (node, tick) => within(nodeDown.get(node), tick),
    serviceDown: (ref, tick) => within(serviceDown.get(ref), tick) || !!flapping.get(ref)?.has(tick),
  };
}

export interface NoisyWeek {
  nodes: string[];
  policy: Policy;
  topology: NotifyTopology;
  /** Incident lines the real chronicle wrote over the week, in reading order. */
  incidents: IncidentLine[];
  /** Notify runs: one a minute after each observation. */
  runs: number[];
  /** One message per observed change of a node or service (the naive monitor). */
  naive: number;
  /** Naive messages per scenario. */
  naiveByScenario: Record<string, number>;
  /** The scenario whose trouble a node or service (`node` or `node/service`) had at `at` (ms). */
  scenarioAt: (key: string, at: number) => string;
}

/** Builds the week: ground truth → snapshots every 5 minutes → reconcile + chronicle each run. */
export function noisyWeek(): NoisyWeek {
  const truth = weekTruth();
  const inventory = inventoryFiles();
  const hostDirs = Object.keys(HOMELAB);
  const history: ChronicleHistory = { incidents: [], transitions: [] };
  const snapshots = new Map<string, string>();
  const runs: number[] = [];
  let naive = 0;
  const naiveByScenario: Record<string, number> = {};
  const previous = new Map<string, boolean>();
  const open = new Map<string, string>();
  const count = (key: string, isDown: boolean, tick: number) => {
    const was = previous.get(key) ?? false;
    previous.set(key, isDown);
    if (was === isDown) return;
    if (isDown) open.set(key, truth.scenario(key, tick));
    const label = open.get(key)!;
    naive++;
    naiveByScenario[label] = (naiveByScenario[label] ?? 0) + 1;
  };
  let policy: Policy | undefined;
  let topology: NotifyTopology | undefined;
  for (let tick = 0; tick <= TICKS; tick++) {
    const observedAt = WEEK_START + tick * OBSERVE_EVERY;
    for (const [node, services] of Object.entries(HOMELAB)) {
      const nodeIsDown = truth.nodeDown(node, tick);
      count(node, nodeIsDown, tick);
      for (const name of Object.keys(services))
        count(`${node}/${name}`, nodeIsDown || truth.serviceDown(`${node}/${name}`, tick), tick);
      // A node that is down writes nothing: its last snapshot ages until it is stale.
      if (nodeIsDown) continue;
      const list = Object.keys(services).map((name) => ({
        name,
        status: truth.serviceDown(`${node}/${name}`, tick) ? 'failed' : 'ok',
      }));
      snapshots.set(
        node,
        JSON.stringify({ node, observed_at: formatTime(observedAt), status: 'online', services: list }),
      );
    }
    const now = observedAt + MIN;
    const model = buildRepoModel({
      hostDirs,
      files: [...inventory, ...[...snapshots].map(([node, text]) => ({ path: `world/nodes/${node}.json`, text }))],
    });
    if (model.fatal.length > 0) throw new Error(`noisy week: ${JSON.stringify(model.fatal)}`);
    policy = model.policy;
    topology ??= notifyTopology(model.inventory, model.policy);
    const input: ReconcileInput = {
      inventory: model.inventory,
      world: model.world,
      heartbeats: model.heartbeats,
      policy: model.policy,
      now,
    };
    const advance = advanceChronicle(history, reconcile(input), input);
    history.incidents.push(...advance.incidents);
    history.transitions.push(...advance.transitions);
    runs.push(now);
  }
  return {
    nodes: WEEK_NODES,
    policy: policy!,
    topology: topology!,
    incidents: sortUnique(history.incidents),
    runs,
    naive,
    naiveByScenario,
    scenarioAt: (key, at) => truth.scenario(key, Math.floor((at - WEEK_START) / OBSERVE_EVERY)),
  };
}

/** One incident of the chronicle: from an `opened` line to the next `resolved` (or the week's end). */
export interface Episode {
  fingerprint: string;
  node: string;
  service?: string;
  drift: string;
  severity: Severity;
  from: number;
  to: number;
  /** The policy maintenance window the incident opened in. */
  window?: string;
}

export function chronicleEpisodes(incidents: readonly IncidentLine[], end: number): Episode[] {
  const open = new Map<string, Episode>();
  const out: Episode[] = [];
  for (const line of incidents) {
    const at = Date.parse(line.at);
    const current = open.get(line.fingerprint);
    if (line.event === 'opened' && !current) {
      const episode: Episode = {
        fingerprint: line.fingerprint,
        node: line.node,
        drift: line.drift,
        severity: line.severity,
        from: at,
        to: end,
        ...(line.service ? { service: line.service } : {}),
        ...(line.maintenance_window ? { window: line.maintenance_window } : {}),
      };
      open.set(line.fingerprint, episode);
      out.push(episode);
    } else if (current && (line.event === 'escalated' || line.event === 'deescalated')) {
      current.severity =
        SEVERITY_RANK[line.severity] > SEVERITY_RANK[current.severity] ? line.severity : current.severity;
    } else if (current && line.event === 'resolved') {
      current.to = at;
      open.delete(line.fingerprint);
    }
  }
  return out;
}

export interface Coverage {
  announced: number;
  /** Announced under their root cause: the offline node, a dependency, the stopped pipeline. */
  rootCause: number;
  maintenance: number;
  belowMinSeverity: number;
  shorterThanAlertAfter: number;
  unannounced: Episode[];
}

/**
 * Whether every incident reached the operator: sent itself (opened, transient, flapping,
 * escalated...) while it lasted, or covered by a sent alert about its root cause, or
 * suppressed by a rule the operator set (maintenance window, min_severity, alert_after).
 */
export function coverage(
  week: Pick<NoisyWeek, 'incidents' | 'runs' | 'topology'>,
  policy: Policy,
  results: readonly { at: number; plan: NotifyPlan }[],
): Coverage {
  const end = week.runs.at(-1)!;
  const sent = results.flatMap(({ at, plan }) => plan.items.map((item) => ({ at, item })));
  const lag = 2 * OBSERVE_EVERY + policy.stabilize_for;
  const sentFor = (test: (item: NotifyItem) => boolean, from: number, to: number) =>
    sent.some(({ at, item }) => test(item) && at >= from && at <= to + lag);
  const result: Coverage = {
    announced: 0,
    rootCause: 0,
    maintenance: 0,
    belowMinSeverity: 0,
    shorterThanAlertAfter: 0,
    unannounced: [],
  };
  for (const episode of chronicleEpisodes(week.incidents, end)) {
    const dependencies = new Set(
      episode.service ? (week.topology.dependsOn[`${episode.node}/${episode.service}`] ?? []) : [],
    );
    const causes = new Set([episode.node, ...[...dependencies].map((ref) => ref.split('/')[0]!)]);
    if (sentFor((item) => item.fingerprint === episode.fingerprint, episode.from, episode.to)) result.announced++;
    else if (
      sentFor(
        (item) =>
          (item.drift === 'offline_node' && causes.has(item.node)) ||
          dependencies.has(`${item.node}/${item.service}`) ||
          item.kind === 'pipeline_stale',
        episode.from - lag,
        episode.to,
      )
    )
      result.rootCause++;
    else if (episode.window !== undefined) result.maintenance++;
    else if (SEVERITY_RANK[episode.severity] < SEVERITY_RANK[policy.min_severity]) result.belowMinSeverity++;
    else if (episode.to - episode.from <= policy.alert_after) result.shorterThanAlertAfter++;
    else result.unannounced.push(episode);
  }
  return result;
}
