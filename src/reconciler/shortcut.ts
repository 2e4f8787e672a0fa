import { readRepoFile } from '../fs/safe-path.js';
import type { ReconcileResult } from '../model/index.js';
import type { GitFailure } from '../git/errors.js';
import type { Problem } from '../errors/problem.js';
import type { IncidentLine } from '../model/chronicle.js';
import { readRepoSources } from '../repo/read.js';
import type { RepoSources } from '../repo/model.js';
import { INSIGHTS_FILE } from '../repo/status-source.js';
import { fileDigests, loadRunRecord, runFingerprint, textDigest } from './run-cache.js';
import { STATUS_FILE } from './status-file.js';

// The start of every reconcile, kept free of the model, the parsers and git: on a run whose
// inputs are those of a stored fixed point (the run shortcut) nothing else is loaded, so a
// scheduled no-change `labwarden reconcile` starts and ends about as fast as node itself.

export interface ReconcileOptions {
  repo: string;
  now: number;
  dryRun?: boolean;
  heartbeatRemote?: string;
}

/** What a reconcile run concluded; the full run (src/reconciler/run.ts) adds the policy and the model. */
export interface StoredRun {
  result: ReconcileResult;
  text: string;
  /** Whether status/recommendations.json differs from what is on disk. */
  changed: boolean;
  written: boolean;
  /** Problems in world snapshots (those nodes are `unknown`, the rest is reconciled) and the model's warnings. */
  warnings: Problem[];
  /** Lines this run adds to chronicle/incidents.jsonl (appended unless --dry-run). */
  incidents: IncidentLine[];
  /** Interrupted appends found (and, unless --dry-run, truncated). */
  repaired: Problem[];
}

export interface RunStart {
  sources: RepoSources;
  remote: { beats?: Map<string, number>; error?: GitFailure } | undefined;
  digests: Map<string, string>;
  runKey: string | undefined;
  /** The stored result, when the shortcut applies. */
  shortcut?: StoredRun;
}

export async function startReconcile(options: ReconcileOptions): Promise<RunStart> {
  const sources = await readRepoSources(options.repo);
  // The heartbeat branches are an input like the files: fetched first, so that the run
  // shortcut sees them. A fetch failure is reported after the problems in the files.
  let remote: RunStart['remote'];
  if (options.heartbeatRemote) {
    const [{ GitFailure }, { readHeartbeatBranches }] = await Promise.all([
      import('../git/errors.js'),
      import('../git/heartbeat.js'),
    ]);
    remote = await readHeartbeatBranches(options.repo, options.heartbeatRemote).then(
      (beats) => ({ beats }),
      (error: unknown) => {
        if (!(error instanceof GitFailure)) throw error;
        return { error };
      },
    );
  }
  const digests = fileDigests(sources);
  const runKey = remote?.error ? undefined : runFingerprint(sources, remote?.beats, digests);
  const shortcut = runKey === undefined ? undefined : await takeShortcut(options.repo, runKey, options.now);
  return { sources, remote, digests, runKey, ...(shortcut ? { shortcut } : {}) };
}

/**
 * The no-change path: the inputs are byte for byte those of a stored fixed-point run, `now`
 * is within the span over which its conclusion holds, and status/ still holds what it wrote.
 * Then nothing is parsed, validated or written, and the result is the stored one.
 */
async function takeShortcut(repo: string, fingerprint: string, now: number): Promise<StoredRun | undefined> {
  const record = loadRunRecord(repo, fingerprint, now);
  if (!record) return undefined;
  const text = await readRepoFile(repo, STATUS_FILE);
  if (text === undefined || textDigest(text) !== record.status) return undefined;
  const insights = await readRepoFile(repo, INSIGHTS_FILE);
  if (insights === undefined || textDigest(insights) !== record.insights) return undefined;
  return {
    result: JSON.parse(text) as ReconcileResult,
    text,
    changed: false,
    written: false,
    warnings: record.warnings,
    incidents: [],
    repaired: [],
  };
}
