import { LIMITS } from '../model/limits.js';
import { readRepoFile } from '../fs/safe-path.js';
import { defaultPolicy, Policy } from '../model/index.js';
import { parseSource } from '../repo/source.js';

/**
 * The policy alone (inventory/policy.yaml), for the watchdog's thresholds. A broken policy
 * falls back to the defaults: validate and reconcile report it, and the watchdog must still run.
 */
export async function readPolicy(repo: string): Promise<Policy> {
  const file = 'inventory/policy.yaml';
  const text = await readRepoFile(repo, file, { maxBytes: LIMITS.inventoryFileBytes });
  if (text === undefined) return defaultPolicy();
  const parsed = parseSource({ path: file, text }, Policy);
  return parsed.ok ? parsed.value : defaultPolicy();
}
