import type { DiagnosticLine, Recommendation } from '../model/index.js';
import { chronicleFile, type RepoModel } from '../repo/index.js';
import { DIAGNOSTICS_FILE } from './diagnose.js';

/** A chronicle/diagnostics.jsonl line, as the repo model parsed it with its line schema. */
type Finding = DiagnosticLine;

/** What the last diagnostics run of an episode found, for a person: counts, never output. */
export interface Diagnosis {
  at: string;
  skill: string;
  steps: number;
  failed: number;
  /** The first step that failed or could not run. */
  firstFailed?: string;
}

/** The findings of the repo model's chronicle/diagnostics.jsonl, grouped by fingerprint. */
export function findingsOf(model: Pick<RepoModel, 'chronicle'>): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const line of chronicleFile(model, DIAGNOSTICS_FILE).lines) {
    const list = out.get(line.fingerprint) ?? [];
    list.push(line);
    out.set(line.fingerprint, list);
  }
  return out;
}

/** Findings of this episode: at or after the recommendation's `since` (all of them when it has none). */
function ofEpisode(findings: readonly Finding[], rec: Pick<Recommendation, 'since'>): Finding[] {
  return findings.filter((finding) => rec.since === null || finding.at >= rec.since);
}

/** Whether diagnostics already ran for this episode of `rec` (once per episode). */
export function diagnosedThisEpisode(
  findings: ReadonlyMap<string, readonly Finding[]>,
  rec: Pick<Recommendation, 'id' | 'since'>,
): boolean {
  return ofEpisode(findings.get(rec.id) ?? [], rec).length > 0;
}

/** The latest diagnostics run of this episode of `rec` (one run = the lines sharing one `at` and skill). */
export function diagnosisFor(
  findings: ReadonlyMap<string, readonly Finding[]>,
  rec: Pick<Recommendation, 'id' | 'since'>,
): Diagnosis | undefined {
  const episode = ofEpisode(findings.get(rec.id) ?? [], rec);
  const last = episode.reduce<Finding | undefined>(
    (latest, f) => (!latest || f.at >= latest.at ? f : latest),
    undefined,
  );
  if (!last) return undefined;
  const run = episode.filter((f) => f.at === last.at && f.skill === last.skill).sort((a, b) => a.step - b.step);
  const failing = run.filter((f) => f.result === 'failed' || f.result === 'error');
  return {
    at: last.at,
    skill: last.skill,
    steps: run.length,
    failed: failing.length,
    ...(failing[0] ? { firstFailed: failing[0].title } : {}),
  };
}

/** The one-line summary alerts and /status show: counts and a step title, no output (it may hold secrets). */
export function describeDiagnosis(diagnosis: Diagnosis): string {
  const steps = `${diagnosis.steps} step${diagnosis.steps === 1 ? '' : 's'}`;
  const first = diagnosis.firstFailed ? ` (${diagnosis.firstFailed})` : '';
  return `diagnosed: ${steps}, ${diagnosis.failed} failed${first}`;
}
