import { UserError } from '../errors/problem.js';
import type { Recommendation, Skill } from '../model/index.js';
import { buildRepoModel, readRepoSources, type RepoModel } from '../repo/index.js';
import { readStatus } from './context.js';
import { describeDiagnosis, diagnosisFor, findingsOf, type Diagnosis } from './diagnosis.js';
import { builtinSkills, loadSkills } from './load.js';
import { factsFor, runbookFor, type MatchFacts, type Runbook } from './match.js';

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
  const { skills, facts } = await bestEffort(repo);
  for (const rec of recommendations) {
    const runbook = runbookFor(rec, skills, facts(rec));
    if (runbook) out.set(rec.id, runbook);
  }
  return out;
}

async function bestEffort(
  repo: string,
  model?: RepoModel,
): Promise<{ skills: Skill[]; facts: (rec: Recommendation) => MatchFacts }> {
  let facts: (rec: Recommendation) => MatchFacts = () => ({ probe: 'none', sameVersionFailures: 0 });
  let skills = builtinSkills();
  try {
    const read = model ?? buildRepoModel(await readRepoSources(repo));
    facts = (rec) => factsFor(read, rec);
    skills = loadSkills(repo).skills;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
  }
  return { skills, facts };
}

/** What an alert and /status show under an open recommendation: its runbook and what diagnostics found. */
export interface RecommendationNote {
  runbook?: Runbook;
  /** The runbook's skill needs an approval before anything is applied (an alert offers an Approve button). */
  approvalRequired: boolean;
  /** The latest diagnostics of this episode, counts only. */
  diagnosis?: Diagnosis;
}

/**
 * The note of every recommendation that has something to show: pure over the skills, the repo
 * model (inventory and world for matching, chronicle/diagnostics.jsonl for findings) and status/.
 */
export function recommendationNotes(
  recommendations: readonly Recommendation[],
  skills: readonly Skill[],
  model: Pick<RepoModel, 'chronicle'>,
  facts: (rec: Recommendation) => MatchFacts,
): Map<string, RecommendationNote> {
  const findings = findingsOf(model);
  const out = new Map<string, RecommendationNote>();
  for (const rec of recommendations) {
    const runbook = runbookFor(rec, skills, facts(rec));
    const diagnosis = diagnosisFor(findings, rec);
    if (!runbook && !diagnosis) continue;
    const approvalRequired = Boolean(runbook && skills.find((skill) => skill.id === runbook.skill)?.approval_required);
    out.set(rec.id, { ...(runbook ? { runbook } : {}), approvalRequired, ...(diagnosis ? { diagnosis } : {}) });
  }
  return out;
}

/**
 * The notes of status/'s open recommendations, read once for a whole notify run or bot command.
 * Best effort, as `runbooksFor`: a missing or unreadable status/ gives none.
 */
export async function readRecommendationNotes(
  repo: string,
  model: RepoModel,
): Promise<Map<string, RecommendationNote>> {
  let recommendations: Recommendation[];
  try {
    recommendations = (await readStatus(repo)).recommendations;
  } catch (error) {
    if (error instanceof UserError) return new Map();
    throw error;
  }
  if (recommendations.length === 0) return new Map();
  const { skills, facts } = await bestEffort(repo, model);
  return recommendationNotes(recommendations, skills, model, facts);
}

/** The runbook as one short line for chat: title and next step. */
export function describeRunbook(runbook: Runbook): string {
  return `runbook: ${runbook.title}; next: ${runbook.next}`;
}

export { describeDiagnosis };
