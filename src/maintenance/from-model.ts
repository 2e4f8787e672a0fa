import type { NodeMaintenance } from '../model/index.js';
import { assessNode } from '../model/liveness.js';
import type { RepoModel } from '../repo/model.js';
import { deriveNodeStates, type MaintenanceView } from './state.js';

/** Every inventory node's liveness, as the maintenance fold sees it. */
export function maintenanceViews(
  model: Pick<RepoModel, 'inventory' | 'world' | 'heartbeats' | 'policy'>,
  now: number,
): Map<string, MaintenanceView> {
  const views = new Map<string, MaintenanceView>();
  for (const name of [...model.inventory.nodes.keys()].sort()) {
    views.set(
      name,
      assessNode(
        model.inventory.nodes.get(name)!,
        model.world.get(name),
        model.heartbeats.get(name),
        model.policy,
        now,
      ),
    );
  }
  return views;
}

/** The node states reconcile receives: the trusted part of the chain folded with the world. */
export function maintenanceStates(model: RepoModel, now: number): Map<string, NodeMaintenance> {
  return deriveNodeStates(model.admin.events, maintenanceViews(model, now), model.policy, now);
}

/** What status/ reports about a broken chain, if it is broken. */
export function adminChainReport(
  model: RepoModel,
): { break: NonNullable<RepoModel['admin']['break']>; ignored: number } | undefined {
  return model.admin.break ? { break: model.admin.break, ignored: model.admin.ignored } : undefined;
}
