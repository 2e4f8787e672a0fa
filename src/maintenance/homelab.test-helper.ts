// Test helpers: a small homelab held in memory (RepoSources), so the fold runs on real parsing.
import type { AdminEvent } from '../model/index.js';
import { buildRepoModel, type RepoModel } from '../repo/index.js';
import { formatAdminLine, GENESIS, hashLine } from './chain.js';

export type Services = Record<string, string[]>; // service → failover nodes

/** a runs web (failover b, c) and db (failover b); b runs cache; c runs nothing. */
export const DEFAULT_INVENTORY: Record<string, Services> = {
  a: { web: ['b', 'c'], db: ['b'] },
  b: { cache: [] },
  c: {},
};

export interface Observed {
  at: string;
  status?: 'online' | 'offline';
  services: Record<string, 'ok' | 'failed' | 'degraded' | 'stopped'>;
}

export type AdminInput = Pick<AdminEvent, 'at' | 'action'> & Partial<AdminEvent>;

/** Admin lines with a valid chain: the bytes `appendAdminEvent` would have written. */
export function adminLines(inputs: readonly AdminInput[]): string[] {
  const lines: string[] = [];
  let prev = GENESIS;
  inputs.forEach((input, index) => {
    const line = formatAdminLine({ actor: 'alice', node: null, reason: null, ...input, seq: index + 1, prev });
    lines.push(line);
    prev = hashLine(line);
  });
  return lines;
}

export function homelab(options: {
  inventory?: Record<string, Services>;
  world?: Record<string, Observed>;
  admin?: readonly AdminInput[] | string;
  policy?: string;
}): RepoModel {
  const inventory = options.inventory ?? DEFAULT_INVENTORY;
  const files = [];
  for (const [node, services] of Object.entries(inventory)) {
    files.push({
      path: `inventory/hosts/${node}/services.yaml`,
      text: JSON.stringify({ services: Object.entries(services).map(([name, failover]) => ({ name, failover })) }),
    });
  }
  for (const [node, observed] of Object.entries(options.world ?? {})) {
    files.push({
      path: `world/nodes/${node}.json`,
      text: JSON.stringify({
        node,
        observed_at: observed.at,
        status: observed.status ?? 'online',
        services: Object.entries(observed.services).map(([name, status]) => ({ name, status })),
      }),
    });
  }
  if (options.policy) files.push({ path: 'inventory/policy.yaml', text: options.policy });
  if (options.admin !== undefined) {
    const text =
      typeof options.admin === 'string'
        ? options.admin
        : adminLines(options.admin)
            .map((line) => `${line}\n`)
            .join('');
    files.push({ path: 'chronicle/admin.jsonl', text });
  }
  return buildRepoModel({ hostDirs: Object.keys(inventory), files });
}
