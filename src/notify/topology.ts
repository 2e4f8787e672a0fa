import { windowsFor } from '../chronicle/windows.js';
import { resolveServiceRef, type Inventory, type MaintenanceWindow, type Policy } from '../model/index.js';

/**
 * What NotifyGate needs to know of the inventory, as plain data: the policy maintenance
 * windows that cover each node, and each service's dependencies (`node/service`), so that a
 * dependent's alert can be held back behind its cause.
 */
export interface NotifyTopology {
  windows: Record<string, MaintenanceWindow[]>;
  dependsOn: Record<string, string[]>;
}

export function emptyTopology(): NotifyTopology {
  return { windows: {}, dependsOn: {} };
}

export function notifyTopology(inventory: Inventory, policy: Policy): NotifyTopology {
  const topology = emptyTopology();
  for (const [name, node] of [...inventory.nodes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const windows = windowsFor(node, policy);
    if (windows.length > 0) topology.windows[name] = windows;
    for (const service of node.services) {
      const deps = service.depends_on.map((ref) => {
        const target = resolveServiceRef(name, ref);
        return `${target.node}/${target.service}`;
      });
      if (deps.length > 0) topology.dependsOn[`${name}/${service.name}`] = deps;
    }
  }
  return topology;
}
