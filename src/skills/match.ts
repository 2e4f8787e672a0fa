import type { Probe, Recommendation, Skill, SkillMatch, WorldSnapshot } from '../model/index.js';
import { probeKind } from '../model/index.js';
import type { RepoModel } from '../repo/index.js';
import { literalLength, matchesLowered } from './pattern.js';

/** What matching needs besides the recommendation: facts from inventory and world, never free text. */
export interface MatchFacts {
  /** Probe kind of the service in inventory; `none` for node-level drift or a service without a probe. */
  probe: NonNullable<SkillMatch['probe']>[number];
  /** The latest failed deployments of one version, in a row (0 when none). */
  sameVersionFailures: number;
}

/** The service's inventory probe, if any. */
export function probeOf(
  model: Pick<RepoModel, 'inventory'>,
  rec: Pick<Recommendation, 'node' | 'service'>,
): Probe | undefined {
  if (rec.service === undefined) return undefined;
  return model.inventory.nodes.get(rec.node)?.services.find((service) => service.name === rec.service)?.probe;
}

export function factsFor(model: Pick<RepoModel, 'inventory' | 'world'>, rec: Recommendation): MatchFacts {
  const probe = probeOf(model, rec);
  const observation = model.world.get(rec.node);
  const snapshot = observation?.kind === 'snapshot' ? observation.snapshot : undefined;
  return {
    probe: probe ? probeKind(probe) : 'none',
    sameVersionFailures: rec.service ? sameVersionFailures(snapshot, rec.service) : 0,
  };
}

/** How many of the service's latest deployments failed with the version of the latest one. */
export function sameVersionFailures(snapshot: WorldSnapshot | undefined, service: string): number {
  const history = (snapshot?.deployments ?? []).filter((deployment) => deployment.service === service);
  const latest = history.at(-1);
  if (latest?.result !== 'failed' || latest.version === undefined) return 0;
  let count = 0;
  for (
    let i = history.length - 1;
    i >= 0 && history[i]!.result === 'failed' && history[i]!.version === latest.version;
    i--
  )
    count++;
  return count;
}

/** The specificity of `skill` for `rec`, or undefined when it does not match. Higher is more specific. */
export function specificity(
  skill: Skill,
  rec: Recommendation,
  facts: MatchFacts,
  reason = rec.reason.toLowerCase(),
): number | undefined {
  const { match } = skill;
  let conditions = 0;
  let literal = 0;
  if (match.probe) {
    if (!match.probe.includes(facts.probe)) return undefined;
    conditions++;
  }
  if (match.drift) {
    if (!match.drift.includes(rec.drift)) return undefined;
    conditions++;
  }
  if (match.same_version_failures !== undefined) {
    if (facts.sameVersionFailures < match.same_version_failures) return undefined;
    conditions++;
  }
  if (match.detail) {
    const hits = match.detail.filter((pattern) => matchesLowered(pattern.toLowerCase(), reason));
    if (hits.length === 0) return undefined;
    conditions++;
    // Fewer wildcards first (`exited (137)` before `container * exited (*)`), then more literal text.
    literal = Math.max(
      ...hits.map((pattern) => (9 - (pattern.match(/\*/g) ?? []).length) * 1000 + literalLength(pattern)),
    );
  }
  return conditions * 100_000 + literal;
}

/** Every skill matching `rec`, most specific first; ties by id, so the order is a function of the data. */
export function matchSkills(rec: Recommendation, skills: readonly Skill[], facts: MatchFacts): Skill[] {
  const scored: { skill: Skill; score: number }[] = [];
  const reason = rec.reason.toLowerCase();
  for (const skill of skills) {
    const score = specificity(skill, rec, facts, reason);
    if (score !== undefined) scored.push({ skill, score });
  }
  scored.sort((a, b) => b.score - a.score || (a.skill.id < b.skill.id ? -1 : a.skill.id > b.skill.id ? 1 : 0));
  return scored.map((entry) => entry.skill);
}

/** What every place that shows a recommendation shows of its runbook. */
export interface Runbook {
  skill: string;
  title: string;
  risk: Skill['risk'];
  /** The next thing to do, for a person. */
  next: string;
}

/**
 * The runbook for one recommendation: the most specific matching skill, its title and the next
 * step. For status, the site and alerts; pure, so all of them show the same.
 */
export function runbookFor(rec: Recommendation, skills: readonly Skill[], facts: MatchFacts): Runbook | undefined {
  const skill = matchSkills(rec, skills, facts)[0];
  if (!skill) return undefined;
  const first = skill.remediation[0];
  const next =
    skill.diagnostics.length > 0
      ? `labwarden diagnose ${rec.id}${first ? `, then ${first.title}` : ''}`
      : (first?.title ?? 'review');
  return { skill: skill.id, title: skill.title, risk: skill.risk, next };
}
