import { buildRepoModel, type RepoModel } from '../../src/repo/index.js';
import { reconcile } from '../../src/reconciler/index.js';
import type { ReconcileResult } from '../../src/model/index.js';

/** A repo model from in-memory files: host folders are derived from inventory/hosts/<node>/ paths. */
export function modelFrom(files: Record<string, string>, extraHostDirs: string[] = []): RepoModel {
  const hostDirs = new Set(extraHostDirs);
  for (const file of Object.keys(files)) {
    const match = /^inventory\/hosts\/([^/]+)\//.exec(file);
    if (match) hostDirs.add(match[1]!);
  }
  return buildRepoModel({
    hostDirs: [...hostDirs],
    files: Object.entries(files).map(([path, text]) => ({ path, text })),
  });
}

export function reconcileFiles(files: Record<string, string>, now: string): ReconcileResult {
  const model = modelFrom(files);
  if (model.fatal.length > 0) throw new Error(`fixture has problems: ${JSON.stringify(model.fatal)}`);
  return reconcile({
    inventory: model.inventory,
    world: model.world,
    heartbeats: model.heartbeats,
    policy: model.policy,
    now: Date.parse(now),
  });
}
