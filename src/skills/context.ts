import { UserError } from '../errors/problem.js';
import { readRepoFile } from '../fs/safe-path.js';
import type { NodeMaintenance, NodeStatus, Recommendation, ReconcileResult } from '../model/index.js';
import { maintenanceStates } from '../maintenance/from-model.js';
import { buildRepoModel, readRepoSources, type RepoModel } from '../repo/index.js';
import { STATUS_SOURCE } from '../repo/model.js';
import { closest } from '../repo/suggest.js';
import { loadSkills, type SkillCatalogue } from './load.js';
import { foldAttempts, type RemediationAttempt } from '../chronicle/remediations.js';
import { REMEDIATIONS_FILE } from '../model/index.js';
import { chronicleFile } from '../repo/chronicle-check.js';
import type { GuardrailInputs } from './guardrails.js';
import { factsFor, type MatchFacts } from './match.js';

/** What the skill commands read: the repo model (inventory, world, chain), the skills, the last status. */
export interface SkillContext {
  model: RepoModel;
  catalogue: SkillCatalogue;
  recommendations: Recommendation[];
  /** status/'s nodes (maintenance states), for the guardrails. */
  nodes: Record<string, NodeStatus>;
  facts: (rec: Recommendation) => MatchFacts;
}

export async function loadSkillContext(repo: string): Promise<SkillContext> {
  const model = buildRepoModel(await readRepoSources(repo));
  const catalogue = loadSkills(repo);
  const { recommendations, nodes } = await readStatus(repo);
  return { model, catalogue, recommendations, nodes, facts: (rec) => factsFor(model, rec) };
}

/** What `decideRemediation` reads, from the repo as this context read it, at `now`. */
export function guardrailInputs(
  context: Pick<SkillContext, 'model' | 'nodes'>,
  now: number,
): GuardrailInputs & { attempts: RemediationAttempt[] } {
  const { model } = context;
  return {
    events: model.admin.events,
    policy: model.policy,
    // Folded from the chain now, not taken from status/: maintenance entered since the last
    // reconcile must stop an executor as well.
    nodes: withMaintenance(context.nodes, maintenanceStates(model, now)),
    labels: new Map([...model.inventory.nodes].map(([name, node]) => [name, node.host.labels])),
    attempts: foldAttempts(chronicleFile(model, REMEDIATIONS_FILE).lines),
    now,
  };
}

function withMaintenance(
  nodes: Readonly<Record<string, NodeStatus>>,
  states: ReadonlyMap<string, NodeMaintenance>,
): Record<string, NodeStatus> {
  const out: Record<string, NodeStatus> = { ...nodes };
  for (const [name, maintenance] of states) {
    const known = out[name];
    out[name] = known
      ? { ...known, maintenance }
      : {
          health: 'unknown',
          last_seen: null,
          services: { total: 0, ok: 0, degraded: 0, failed: 0, missing: 0 },
          maintenance,
        };
  }
  return out;
}

/** status/recommendations.json's recommendations and nodes; none before the first reconcile. */
export async function readStatus(
  repo: string,
): Promise<{ recommendations: Recommendation[]; nodes: Record<string, NodeStatus> }> {
  const text = await readRepoFile(repo, STATUS_SOURCE);
  if (text === undefined) return { recommendations: [], nodes: {} };
  try {
    const parsed = JSON.parse(text) as Partial<ReconcileResult>;
    const nodes = parsed.nodes && typeof parsed.nodes === 'object' ? parsed.nodes : {};
    return { recommendations: Array.isArray(parsed.recommendations) ? parsed.recommendations : [], nodes };
  } catch {
    throw new UserError(`${STATUS_SOURCE} is not valid JSON`, { hint: 'Run `labwarden reconcile` to rewrite it.' });
  }
}

/** The open recommendation with this fingerprint (its `id`), or a UserError naming the nearest one. */
export function findRecommendation(recommendations: readonly Recommendation[], fingerprint: string): Recommendation {
  const found = recommendations.find((rec) => rec.id === fingerprint);
  if (found) return found;
  const guess = closest(
    fingerprint,
    recommendations.map((rec) => rec.id),
  );
  throw new UserError(
    `no open recommendation "${fingerprint}" in ${STATUS_SOURCE}${guess ? ` (did you mean "${guess}"?)` : ''}`,
    {
      hint: recommendations.length
        ? 'Fingerprints are node/service/drift as `labwarden status` shows them.'
        : 'Run `labwarden reconcile` first: there are no recommendations yet.',
    },
  );
}
