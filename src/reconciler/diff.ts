import type { Recommendation, Summary } from '../model/index.js';

/** The part of status/recommendations.json a diff looks at. */
export interface RecommendationsView {
  summary: Summary;
  recommendations: Recommendation[];
}

export interface ChangedRecommendation {
  before: Recommendation;
  after: Recommendation;
  /** Fields whose values differ, sorted. */
  fields: string[];
}

export interface RecommendationDiff {
  summary: { before: Summary | undefined; after: Summary };
  opened: Recommendation[];
  cleared: Recommendation[];
  changed: ChangedRecommendation[];
}

/** Which recommendations appear, disappear or change between two results (matched by id). */
export function diffRecommendations(
  before: RecommendationsView | undefined,
  after: RecommendationsView,
): RecommendationDiff {
  const old = new Map((before?.recommendations ?? []).map((rec) => [rec.id, rec]));
  const now = new Map(after.recommendations.map((rec) => [rec.id, rec]));
  const changed: ChangedRecommendation[] = [];
  for (const rec of after.recommendations) {
    const prior = old.get(rec.id);
    if (!prior) continue;
    const keys = [...new Set([...Object.keys(prior), ...Object.keys(rec)])].sort();
    const fields = keys.filter(
      (key) => JSON.stringify(prior[key as keyof Recommendation]) !== JSON.stringify(rec[key as keyof Recommendation]),
    );
    if (fields.length > 0) changed.push({ before: prior, after: rec, fields });
  }
  return {
    summary: { before: before?.summary, after: after.summary },
    opened: after.recommendations.filter((rec) => !old.has(rec.id)),
    cleared: (before?.recommendations ?? []).filter((rec) => !now.has(rec.id)),
    changed,
  };
}

export function isEmptyDiff(diff: RecommendationDiff): boolean {
  return (
    diff.opened.length + diff.cleared.length + diff.changed.length === 0 && diff.summary.before === diff.summary.after
  );
}

/** `media/jellyfin unhealthy_service`, or `node3 offline_node` for node-level drift. */
export function recommendationLabel(rec: Recommendation): string {
  return `${rec.service ? `${rec.node}/${rec.service}` : rec.node} ${rec.drift}`;
}

const SUBJECT_ITEMS = 3;
/** A big outage changes thousands of recommendations: the body lists this many, then a count. */
export const BODY_ITEMS = 50;

/**
 * The commit message of a reconcile: a subject naming what opened, cleared or changed (the
 * first few, then a count), and a body listing the first BODY_ITEMS, then "and K more" (the
 * full list is the diff of status/ itself).
 * `reconcile: media/jellyfin unhealthy_service opened; summary degraded`
 */
export function reconcileCommitMessage(diff: RecommendationDiff): string {
  const items = [
    ...diff.opened.map((rec) => `${recommendationLabel(rec)} opened`),
    ...diff.cleared.map((rec) => `${recommendationLabel(rec)} cleared`),
    ...diff.changed.map((change) => `${recommendationLabel(change.after)} changed`),
  ];
  const shown = items.slice(0, SUBJECT_ITEMS);
  if (items.length > SUBJECT_ITEMS) shown.push(`${items.length - SUBJECT_ITEMS} more`);
  const summary =
    diff.summary.before && diff.summary.before !== diff.summary.after
      ? `summary ${diff.summary.before} → ${diff.summary.after}`
      : `summary ${diff.summary.after}`;
  const subject = `reconcile: ${shown.length > 0 ? shown.join(', ') : 'node status updated'}; ${summary}`;
  if (items.length <= SUBJECT_ITEMS) return subject;
  const body = items.slice(0, BODY_ITEMS).map((item) => `- ${item}`);
  if (items.length > BODY_ITEMS) body.push(`- and ${items.length - BODY_ITEMS} more`);
  return `${subject}\n\n${body.join('\n')}\n`;
}
