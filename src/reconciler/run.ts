import { RepoRoot } from '../fs/safe-path.js';
import { compareProblems, UserError, type Problem } from '../errors/problem.js';
import { sameBytes, writeIfChanged } from '../fs/atomic.js';
import type { Policy, ReconcileResult } from '../model/index.js';
import {
  buildRepoModel,
  loadParseCache,
  policyOf,
  POLICY_FILE,
  saveParseCache,
  type RepoModel,
} from '../repo/index.js';
import { chronicleFile, withAppended } from '../repo/chronicle-check.js';
import { DIAGNOSTICS_FILE, formatRemediationLine, REMEDIATIONS_FILE } from '../model/index.js';
import { applyAttempts, concludeAttempts, foldAttempts } from '../chronicle/remediations.js';
import { appendWhole } from '../fs/atomic.js';
import { WriteError } from '../errors/problem.js';
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
import { saveRunRecord, textDigest } from './run-cache.js';
import { startReconcile, type ReconcileOptions, type RunStart, type StoredRun } from './shortcut.js';
import { STATUS_FILE } from './status-file.js';
import { serializeResult } from './serialize.js';

export { STATUS_FILE };

export interface ReconcileRun extends StoredRun {
  /** inventory/policy.yaml as this run read it. */
  policy: Policy;
  /**
   * The repo model as it is after this run's writes (its chronicle appends included), built
   * once: the rest of a cycle (notify) reads it instead of the repo. After the run shortcut,
   * which builds none, it is built on the first call.
   */
  repoModel: () => RepoModel;
}

/**
 * Reads the repo, reconciles, appends to the chronicle and writes status/ atomically.
 * Inventory, policy or chronicle problems stop the run before anything is written, so the
 * last good status stays.
 */
export async function runReconcile(options: ReconcileOptions): Promise<ReconcileRun> {
  const start = await startReconcile(options);
  return start.shortcut ? completeShortcut(start.shortcut, start, options.repo) : finishReconcile(start, options);
}

/** The full run, when the shortcut (src/reconciler/shortcut.ts) did not apply. */
export async function finishReconcile(start: RunStart, options: ReconcileOptions): Promise<ReconcileRun> {
  const { sources, remote, digests, runKey } = start;
  const { cache, fingerprint } = loadParseCache(options.repo);
  const model = buildRepoModel(sources, { cache, digests });
  if (!options.dryRun) await saveParseCache(options.repo, cache, fingerprint);
  if (model.fatal.length > 0) {
    throw new UserError(
      `${model.fatal.length} problem${model.fatal.length === 1 ? '' : 's'} in the desired state or chronicle; nothing written`,
      {
        problems: model.fatal,
        hint: 'Fix these and run again; `labwarden validate` lists every problem. A corrupt chronicle line must be repaired by hand: reconcile does not guess.',
      },
    );
  }
  const heartbeats = new Map(model.heartbeats);
  // The heartbeat branches (labwarden/heartbeat/<node>) only ever add liveness: take the later time.
  if (remote?.error) {
    throw new UserError(
      `could not fetch the heartbeat branches from "${options.heartbeatRemote}": ${remote.error.message}`,
      { hint: 'Check the remote name and that it is reachable, or run without --heartbeat-remote.' },
    );
  }
  for (const [node, seen] of remote?.beats ?? [])
    heartbeats.set(node, Math.max(seen, heartbeats.get(node) ?? -Infinity));
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
  const chronicled = applyChronicle(raw, advance.state, input);
  // Remediation attempts are verified from observations (world, heartbeats), never the clock.
  const remediations = chronicleFile(model, REMEDIATIONS_FILE);
  const attempts = foldAttempts(remediations.lines);
  const concluded = concludeAttempts(attempts, chronicled, { world: model.world, heartbeats });
  const result = applyAttempts(
    chronicled,
    concluded.length > 0 ? foldAttempts([...remediations.lines, ...concluded]) : attempts,
    chronicleFile(model, DIAGNOSTICS_FILE).lines,
  );
  const text = serializeResult(result);
  // Insights are as of the newest evidence, not the wall clock: a quiet homelab (heartbeats
  // only) must not rewrite them, or every day would bring commits with nothing new.
  let evidence = -Infinity;
  for (const observation of model.world.values())
    if (observation.kind === 'snapshot') evidence = Math.max(evidence, Date.parse(observation.snapshot.observed_at));
  for (const lines of [chronicle.history.incidents, advance.incidents])
    for (const line of lines) evidence = Math.max(evidence, Date.parse(line.at));
  const insights = serializeInsights(
    distillSorted(
      advance.lines,
      Number.isFinite(evidence) ? Math.min(evidence, options.now) : options.now,
      model.inventory,
    ),
  );
  const fatal = new Set(model.fatal);
  // Problems reconcile works around (world snapshots) and the model's warnings, in file order.
  const warnings = [...model.problems.filter((problem) => !fatal.has(problem)), ...model.warnings];
  warnings.sort(compareProblems);

  // Every target is checked before the first write (src/fs/safe-path.ts): a status/ or chronicle
  // file linked out of the repo stops the run with nothing written, not half of it.
  const checked = new RepoRoot(options.repo);
  const file = checked.resolve(STATUS_FILE);
  for (const target of [INSIGHTS_FILE, INCIDENTS_FILE, TRANSITIONS_FILE, REMEDIATIONS_FILE]) checked.resolve(target);
  const repairs = remediations.partial
    ? [...chronicle.repairs, { file: REMEDIATIONS_FILE, ...remediations.partial }]
    : chronicle.repairs;
  const bytes = Buffer.from(text, 'utf8');
  const changed = !sameBytes(file, bytes);
  let written = false;
  if (!options.dryRun) {
    await repairChronicle(options.repo, repairs);
    if (concluded.length > 0) {
      const text = concluded.map((line) => `${formatRemediationLine(line)}\n`).join('');
      await appendWhole(options.repo, REMEDIATIONS_FILE, `${remediations.missingNewline ? '\n' : ''}${text}`).catch(
        (error: unknown) => {
          throw WriteError.from(REMEDIATIONS_FILE, error);
        },
      );
    }
    await appendLines(
      options.repo,
      TRANSITIONS_FILE,
      advance.transitions,
      chronicle.missingNewline.has(TRANSITIONS_FILE),
    );
    await appendLines(options.repo, INCIDENTS_FILE, advance.incidents, chronicle.missingNewline.has(INCIDENTS_FILE));
    written = changed ? await writeIfChanged(options.repo, STATUS_FILE, bytes) : false;
    await writeIfChanged(options.repo, INSIGHTS_FILE, insights);
    // Only a fixed point is stored: a run that appended or repaired changed its own inputs.
    const fixedPoint =
      advance.incidents.length === 0 &&
      advance.transitions.length === 0 &&
      concluded.length === 0 &&
      repairs.length === 0;
    const until = resultChangesAt(input, model.admin.events, advance, evidence);
    if (runKey !== undefined && fixedPoint && until > options.now) {
      await saveRunRecord(options.repo, {
        fingerprint: runKey,
        from: options.now,
        until,
        status: textDigest(text),
        insights: textDigest(insights),
        warnings,
      });
    }
  }
  // What reading the repo again would give: the appends and repairs above (none on --dry-run).
  const after = options.dryRun
    ? model
    : withAppended(
        withAppended(withAppended(model, INCIDENTS_FILE, advance.incidents), TRANSITIONS_FILE, advance.transitions),
        REMEDIATIONS_FILE,
        concluded,
      );
  return {
    result,
    text,
    changed,
    written,
    warnings,
    incidents: advance.incidents,
    repaired: repairs.map((repair) => repair.problem),
    policy: model.policy,
    repoModel: () => after,
  };
}

/** The stored result of the run shortcut, with the policy and a model built on first use (for the rest of a cycle). */
function completeShortcut(stored: StoredRun, { sources }: RunStart, repo: string): ReconcileRun {
  let model: RepoModel | undefined;
  const repoModel = () => (model ??= buildRepoModel(sources, { cache: loadParseCache(repo).cache }));
  // A stored run had no fatal problem, so the policy it read parses.
  const policy = policyOf(sources.files.find((file) => file.path === POLICY_FILE));
  return { ...stored, policy, repoModel };
}
