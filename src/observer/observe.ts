import type { ServiceStatus, WorldSnapshot } from '../model/index.js';
import { pushNodeHeartbeat, requireRemote, writeLocalHeartbeat } from './heartbeat.js';
import { runProbes, type ProbeJob, type ProbeRunOptions } from './run-probes.js';
import { observeSnapshot } from './snapshot.js';
import { loadRepo, nodeWorld, snapshotText, writeNodeWorld } from './world-file.js';

export interface ObserveOptions extends Omit<ProbeRunOptions, 'adapters'> {
  repo: string;
  /** Only this node; default every node in the inventory. */
  node?: string;
  now: number;
  /** Also force-push the heartbeat branch to this remote. */
  pushHeartbeatTo?: string;
  /** Probe, but write nothing (no world file, no heartbeat): the results carry the snapshot. */
  dryRun?: boolean;
}

export interface NodeObserveResult {
  node: string;
  file: string;
  probes: number;
  changed: boolean;
  counts: Partial<Record<ServiceStatus, number>>;
  /** With `dryRun`: the snapshot and the file's text as they would be written. */
  snapshot?: WorldSnapshot;
  text?: string;
}

/** The observer's shell: read the repo, run the probes, write what changed, beat the heart. */
export async function runObserve(options: ObserveOptions): Promise<NodeObserveResult[]> {
  const { model, files } = await loadRepo(options.repo);
  const names = options.node ? [options.node] : [...model.inventory.nodes.keys()].sort();
  const worlds = names.map((name) => nodeWorld(model, files, name));
  const jobs: ProbeJob[] = [];
  for (const name of names) {
    for (const service of model.inventory.nodes.get(name)!.services) {
      if (service.probe) jobs.push({ id: `${name}/${service.name}`, probe: service.probe });
    }
  }
  // Before probing: a heartbeat that cannot be pushed should not cost a round of probes first.
  if (options.pushHeartbeatTo) await requireRemote(options.repo, options.pushHeartbeatTo);
  const outcomes = await runProbes(jobs, options);
  const results: NodeObserveResult[] = [];
  for (const world of worlds) {
    const node = model.inventory.nodes.get(world.node)!;
    const mine = new Map(
      node.services.flatMap((service) => {
        const outcome = outcomes.get(`${node.name}/${service.name}`);
        return outcome ? [[service.name, outcome] as const] : [];
      }),
    );
    const { snapshot, changed } = observeSnapshot({
      node,
      previous: world.previous,
      outcomes: mine,
      now: options.now,
      staleAfter: model.policy.stale_after,
    });
    const counts: Partial<Record<ServiceStatus, number>> = {};
    for (const service of snapshot.services) counts[service.status] = (counts[service.status] ?? 0) + 1;
    if (options.dryRun) {
      const text = snapshotText(world, snapshot);
      results.push({ node: node.name, file: world.file, probes: mine.size, changed, counts, snapshot, text });
      continue;
    }
    if (changed) await writeNodeWorld(options.repo, world, snapshot);
    await writeLocalHeartbeat(options.repo, node.name, options.now);
    if (options.pushHeartbeatTo) await pushNodeHeartbeat(options.repo, node.name, options.now, options.pushHeartbeatTo);
    results.push({ node: node.name, file: world.file, probes: mine.size, changed, counts });
  }
  return results;
}
