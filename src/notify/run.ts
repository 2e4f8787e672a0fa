import { UserError } from '../errors/problem.js';
import { appendWhole } from '../fs/atomic.js';
import { readRepoFile } from '../fs/safe-path.js';
import { parseJsonLines } from '../chronicle/parse.js';
import { formatTime } from '../model/index.js';
import { buildRepoModel, chronicleFile, readRepoSources, type RepoModel } from '../repo/index.js';
import { repairChronicle } from '../chronicle/store.js';
import { maintenanceStates } from '../maintenance/from-model.js';
import { adminView } from './admin-view.js';
import { INCIDENTS_FILE } from './incident-line.js';
import { NotificationLine, NOTIFICATIONS_FILE, serializeLines, withLineId, type OutboxLine } from './log-line.js';
import { queueLines } from './live.js';
import { foldMemory } from './memory.js';
import { renderMessage, type AlertNote, type MessagePayload } from './message.js';
import { describeDiagnosis, describeRunbook, readRecommendationNotes } from '../skills/runbooks.js';
import { deliverOutbox, type DeliveryReport } from './outbox.js';
import { planNotifications, type NotifyItem, type NotifyPlan } from './plan.js';
import type { Sink } from './sinks/sink.js';
import { notifyTopology } from './topology.js';

export interface NotifyRun {
  plan: NotifyPlan;
  /** The run's new post, if any. */
  payload: MessagePayload | null;
  /** Edits of live messages this run queues (what `--dry-run` shows after the post). */
  edits: { target: string; payload: MessagePayload }[];
  /** Messages queued by earlier runs and not yet delivered (retried by this run). */
  backlog: string[];
  report: DeliveryReport | null;
}

export interface NotifyOptions {
  repo: string;
  now: number;
  sink: Sink;
  /** The repo as read this cycle (after reconcile's appends); read from `repo` when absent. */
  model?: RepoModel;
  dryRun?: boolean;
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
  backoffMs?: number;
}

/**
 * The shell around NotifyGate: reads the chronicle, plans, commits the decisions and the
 * queued message to chronicle/notifications.jsonl, then delivers the outbox.
 */
export async function runNotify(options: NotifyOptions): Promise<NotifyRun> {
  const model = options.model ?? buildRepoModel(await readRepoSources(options.repo));
  // Corrupt lines of every chronicle file are in `fatal`; a half-written last line is not a line
  // (the one rule of src/repo/jsonl.ts): reconcile cuts it from incidents.jsonl, notify from its log.
  const problems = model.fatal;
  const incidents = chronicleFile(model, INCIDENTS_FILE).lines;
  const logFile = chronicleFile(model, NOTIFICATIONS_FILE);
  const log = logFile.lines;
  if (problems.length > 0) {
    throw new UserError(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the repo; nothing was sent or logged`,
      {
        problems,
        hint: 'Fix these and run again; `labwarden validate` lists every problem.',
      },
    );
  }
  const memory = foldMemory(log);
  // Skills, status/ and the diagnostics are read once for the run, not once per message.
  const notes = alertNotes(await readRecommendationNotes(options.repo, model));
  const plan = planNotifications({
    incidents,
    memory,
    admin: adminView(model.admin.events, options.now, failedDrains(model, options.now)),
    policy: model.policy,
    nodes: [...model.inventory.nodes.keys()].sort(),
    topology: notifyTopology(model.inventory, model.policy),
    diagnosed: new Set([...notes].filter(([, note]) => note.diagnosed).map(([fingerprint]) => fingerprint)),
    now: options.now,
  });
  const render = (items: readonly NotifyItem[], key: string) =>
    renderMessage(items, {
      key,
      policy: model.policy,
      buttons: options.sink.buttons,
      notes,
      ...(key === plan.messageKey ? { inhibitedDependents: plan.inhibitedDependents } : {}),
    });
  const backlog = memory.pending.map((line) => line.message);
  const queued = queueLines(plan, {
    at: formatTime(options.now),
    channel: options.sink.channel,
    render,
    known: (key) => memory.delivered.has(key) || backlog.includes(key),
  });
  const payload = plan.messageKey
    ? render(
        plan.items.filter((item) => item.via !== 'edit'),
        plan.messageKey,
      )
    : null;
  const edits = plan.edits.map((edit) => ({ target: edit.target, payload: render(edit.items, edit.target) }));
  if (options.dryRun) return { plan, payload, edits, backlog, report: null };

  // An interrupted append of an earlier run is cut off before this run appends after it.
  if (logFile.partial) await repairChronicle(options.repo, [{ file: NOTIFICATIONS_FILE, ...logFile.partial }]);
  let newline = logFile.missingNewline;
  const append = async (lines: readonly NotificationLine[]) => {
    if (lines.length === 0) return;
    // A crash, kill -9 included, leaves all lines of this batch or none.
    await appendWhole(options.repo, NOTIFICATIONS_FILE, `${newline ? '\n' : ''}${serializeLines(lines)}`);
    newline = false;
  };
  await append([...plan.decisions, ...queued]);
  const report = await deliverOutbox([...memory.pending, ...queued], {
    sink: options.sink,
    append,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now: () => options.now,
    maxAttempts: options.maxAttempts,
    backoffMs: options.backoffMs,
    ids: memory.ids,
  });
  return { plan, payload, edits, backlog, report };
}

/** The alert's text for each recommendation note. */
function alertNotes(notes: Awaited<ReturnType<typeof readRecommendationNotes>>): Map<string, AlertNote> {
  const out = new Map<string, AlertNote>();
  for (const [fingerprint, note] of notes) {
    out.set(fingerprint, {
      ...(note.runbook ? { runbook: describeRunbook(note.runbook) } : {}),
      ...(note.diagnosis ? { diagnosed: describeDiagnosis(note.diagnosis) } : {}),
      ...(note.runbook && note.approvalRequired ? { approve: note.runbook.skill } : {}),
    });
  }
  return out;
}

/** Nodes whose drain failed, by the same fold reconcile uses (admin chain + world + policy). */
function failedDrains(model: RepoModel, now: number): Set<string> {
  return new Set(
    [...maintenanceStates(model, now)].filter(([, state]) => state.state === 'DrainFailed').map(([node]) => node),
  );
}

/** Messages queued and neither delivered nor failed (what the watchdog's outbox check reads). */
export async function pendingOutbox(repo: string): Promise<OutboxLine[]> {
  const text = await readRepoFile(repo, NOTIFICATIONS_FILE);
  if (text === undefined) return [];
  return foldMemory(parseJsonLines(NOTIFICATIONS_FILE, text, NotificationLine).lines).pending;
}
