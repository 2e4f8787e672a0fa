import { UserError } from '../errors/problem.js';
import type { Recommendation } from '../model/index.js';
import { buildRepoModel, readRepoSources } from '../repo/index.js';
import { builtinSkills, loadSkills } from './load.js';
import { factsFor, runbookFor, type Runbook } from './match.js';

/**
 * The runbook of each recommendation, by id, for views over status/ (the `status` command,
 * later the site and alerts). Best effort: a view must still show status when the inventory
 * or a homelab skill has a problem (validate reports those), so it falls back to the
 * built-in skills and to what the recommendation alone tells.
 */
export async function runbooksFor(
  repo: string,
  recommendations: readonly Recommendation[],
): Promise<Map<string, Runbook>> {
  const out = new Map<string, Runbook>();
  if (recommendations.length === 0) return out;
  let facts: (rec: Recommendation) => ReturnType<typeof factsFor> = () => ({ probe: 'none', sameVersionFailures: 0 });
  let skills = builtinSkills();
  try {
    const model = buildRepoModel(await readRepoSources(repo));
    facts = (rec) => factsFor(model, rec);
    skills = loadSkills(repo).skills;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
  }
  for (const rec of recommendations) {
    const runbook = runbookFor(rec, skills, facts(rec));
    if (runbook) out.set(rec.id, runbook);
  }
  return out;
}
