import { readRepoFile, RepoRoot } from '../fs/safe-path.js';
import { compareProblems, UserError, type Problem } from '../errors/problem.js';
import { sameBytes, writeIfChanged } from '../fs/atomic.js';
import type { ReconcileResult } from '../model/index.js';
import { buildRepoModel, loadParseCache, readRepoSources, saveParseCache } from '../repo/index.js';
import { GitError, readHeartbeatBranches } from '../observer/heartbeat.js';
import { adminChainReport, maintenanceStates } from '../maintenance/from-model.js';
import {
  advanceChronicle,
  appendLines,
  applyChronicle,
  distillSorted,
  INCIDENTS_FILE,
  INSIGHTS_FILE,
  loadChronicle,
  repairChronicle,
  serializeInsights,
  TRANSITIONS_FILE,
  type IncidentLine,
} from '../chronicle/index.js';
import { resultChangesAt } from './changes-at.js';
import { reconcile, type ReconcileInput } from './reconcile.js';
import { fileDigests, loadRunRecord, runFingerprint, saveRunRecord, textDigest } from './run-cache.js';
import { serializeResult } from './serialize.js';

export const STATUS_FILE = 'status/recommendations.json';

export interface ReconcileRun {
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

/**
 * Reads the repo, reconciles, appends to the chronicle and writes status/ atomically.
 * Inventory, policy or chronicle problems stop the run before anything is written, so the
 * last good status stays.
 */
export async function runReconcile(options: { repo: string; now: number; dryRun?: boolean; heartbeatRemote?: string }): Promise<ReconcileRun> {
  const sources = await readRepoSources(options.repo);
  // The heartbeat branches are an input like the files: fetched first, so that the run
  // shortcut sees them. A fetch failure is reported after the problems in the files.
  const remote: { beats?: Map<string, number>; error?: GitError } | undefined = options.heartbeatRemote
    ? await readHeartbeatBranches(options.repo, options.heartbeatRemote).then(
        (beats) => ({ beats }),
        (error: unknown) => {
          if (!(error instanceof GitError)) throw error;
          return { error };
        },
      )
    : undefined;
  const digests = fileDigests(sources);
  const runKey = remote?.error ? undefined : runFingerprint(sources, remote?.beats, digests);
  const shortcut = runKey === undefined ? undefined : await takeShortcut(options.repo, runKey, options.now);
  if (shortcut) return shortcut;

  const { cache, fingerprint } = loadParseCache(options.repo);
  const model = buildRepoModel(sources, { cache, digests });
  if (!options.dryRun) await saveParseCache(options.repo, cache, fingerprint);
  if (model.fatal.length > 0) {
    throw new UserError(`${model.fatal.length} problem${model.fatal.length === 1 ? '' : 's'} in the desired state or chronicle; nothing written`, {
      problems: model.fatal,
      hint: 'Fix these and run again; `labwarden validate` lists every problem. A corrupt chronicle line must be repaired by hand: reconcile does not guess.',
    });
  }
  const heartbeats = new Map(model.heartbeats);
  // The heartbeat branches (labwarden/heartbeat/<node>) only ever add liveness: take the later time.
  if (remote?.error) {
    throw new UserError(`could not fetch the heartbeat branches from "${options.heartbeatRemote}": ${remote.error.message}`, { hint: 'Check the remote name and that it is reachable, or run without --heartbeat-remote.' });
  }
  for (const [node, seen] of remote?.beats ?? []) heartbeats.set(node, Math.max(seen, heartbeats.get(node) ?? -Infinity));
  const adminChain = adminChainReport(model);
  const chronicle = loadChronicle(sources.files, model.chronicle);
  const input: ReconcileInput = {
    inventory: model.inventory,
    world: model.world,
    heartbeats,
    policy: model.policy,
    now: options.now,
    maintenance: maintenanceStates({ ...model, heartbeats }, options.now),
    ...(adminChain ? { adminChain } : {}),
    ...(model.adminHead ? { adminHead: model.adminHead } : {}),
  };
  const raw = reconcile(input);
  const advance = advanceChronicle(chronicle.history, raw, input);
  const result = applyChronicle(raw, advance.state, input);
  const text = serializeResult(result);
  // Insights are as of the newest evidence, not the wall clock: a quiet homelab (heartbeats
  // only) must not rewrite them, or every day would bring commits with nothing new.
  let evidence = -Infinity;
  for (const observation of model.world.values()) if (observation.kind === 'snapshot') evidence = Math.max(evidence, Date.parse(observation.snapshot.observed_at));
  for (const lines of [chronicle.history.incidents, advance.incidents]) for (const line of lines) evidence = Math.max(evidence, Date.parse(line.at));
  const insights = serializeInsights(distillSorted(advance.lines, Number.isFinite(evidence) ? Math.min(evidence, options.now) : options.now, model.inventory));
  const fatal = new Set(model.fatal);
  // Problems reconcile works around (world snapshots) and the model's warnings, in file order.
  const warnings = [...model.problems.filter((problem) => !fatal.has(problem)), ...model.warnings];
  warnings.sort(compareProblems);

  // Every target is checked before the first write (src/fs/safe-path.ts): a status/ or chronicle
  // file linked out of the repo stops the run with nothing written, not half of it.
  const checked = new RepoRoot(options.repo);
  const file = checked.resolve(STATUS_FILE);
  for (const target of [INSIGHTS_FILE, INCIDENTS_FILE, TRANSITIONS_FILE]) checked.resolve(target);
  const bytes = Buffer.from(text, 'utf8');
  const changed = !sameBytes(file, bytes);
  let written = false;
  if (!options.dryRun) {
    await repairChronicle(options.repo, chronicle.repairs);
    await appendLines(options.repo, TRANSITIONS_FILE, advance.transitions, chronicle.missingNewline.has(TRANSITIONS_FILE));
    await appendLines(options.repo, INCIDENTS_FILE, advance.incidents, chronicle.missingNewline.has(INCIDENTS_FILE));
    written = changed ? await writeIfChanged(options.repo, STATUS_FILE, bytes) : false;
    await writeIfChanged(options.repo, INSIGHTS_FILE, insights);
    // Only a fixed point is stored: a run that appended or repaired changed its own inputs.
    const fixedPoint = advance.incidents.length === 0 && advance.transitions.length === 0 && chronicle.repairs.length === 0;
    const until = resultChangesAt(input, model.admin.events, advance, evidence);
    if (runKey !== undefined && fixedPoint && until > options.now) {
      await saveRunRecord(options.repo, { fingerprint: runKey, from: options.now, until, status: textDigest(text), insights: textDigest(insights), warnings });
    }
  }
  return {
    result,
    text,
    changed,
    written,
    warnings,
    incidents: advance.incidents,
    repaired: chronicle.repairs.map((repair) => repair.problem),
  };
}

/**
 * The no-change path: the inputs are byte for byte those of a stored fixed-point run, `now`
 * is within the span over which its conclusion holds, and status/ still holds what it wrote.
 * Then nothing is parsed, validated or written, and the result is the stored one.
 */
async function takeShortcut(repo: string, fingerprint: string, now: number): Promise<ReconcileRun | undefined> {
  const record = loadRunRecord(repo, fingerprint, now);
  if (!record) return undefined;
  const text = await readRepoFile(repo, STATUS_FILE);
  if (text === undefined || textDigest(text) !== record.status) return undefined;
  const insights = await readRepoFile(repo, INSIGHTS_FILE);
  if (insights === undefined || textDigest(insights) !== record.insights) return undefined;
  return { result: JSON.parse(text) as ReconcileResult, text, changed: false, written: false, warnings: record.warnings, incidents: [], repaired: [] };
}
