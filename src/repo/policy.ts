import { UserError } from '../errors/problem.js';
import { readRepoFile } from '../fs/safe-path.js';
import { defaultPolicy, fastParser, LIMITS, Policy } from '../model/index.js';
import { parseSource, type SourceFile } from './source.js';

export const POLICY_FILE = 'inventory/policy.yaml';

/**
 * inventory/policy.yaml interpreted alone, as `buildRepoModel` does (the defaults when it is
 * absent), for a caller that needs nothing else: a broken policy is a located problem
 * (UserError, exit 2) like in reconcile, never a silent fall-back to the defaults.
 */
export function policyOf(file: SourceFile | undefined): Policy {
  if (file === undefined) return defaultPolicy();
  const parsed = parseSource(file, Policy, fastParser(Policy));
  if (parsed.ok) return parsed.value;
  throw new UserError(
    `${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'} in ${POLICY_FILE}; nothing done`,
    {
      problems: parsed.problems,
      hint: 'Fix these and run again; `labwarden validate` lists every problem.',
    },
  );
}

/** Reads and checks the policy alone (through the repo's path rule and size limit): see `policyOf`. */
export async function readPolicy(repo: string): Promise<Policy> {
  const text = await readRepoFile(repo, POLICY_FILE, { maxBytes: LIMITS.inventoryFileBytes });
  return policyOf(text === undefined ? undefined : { path: POLICY_FILE, text });
}
