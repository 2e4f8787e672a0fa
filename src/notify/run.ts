import { readRepoFile } from '../fs/safe-path.js';
import { UserError, type Problem } from '../errors/problem.js';
import { appendWhole } from '../fs/atomic.js';
import { formatTime } from '../model/index.js';
import { buildRepoModel, readRepoSources, type RepoModel } from '../repo/index.js';
import { maintenanceStates } from '../maintenance/from-model.js';
import { adminView } from './admin-view.js';
import { IncidentLine, INCIDENTS_FILE } from './incident-line.js';
import { parseJsonLines } from './jsonl.js';
import { parseJsonLines as parseChronicleLines } from '../chronicle/parse.js';
import { NotificationLine, NOTIFICATIONS_FILE, serializeLines, type OutboxLine } from './log-line.js';
import { queueLines } from './live.js';
import { foldMemory } from './memory.js';
import { renderMessage, type MessagePayload } from './message.js';
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
  dryRun?: boolean;
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
  backoffMs?: number;
}

async function readLines<T>(repo: string, file: string, schema: import('zod').ZodType<T>, problems: Problem[]): Promise<T[]> {
  const text = await readRepoFile(repo, file);
  if (text === undefined) return [];
  const parsed = parseJsonLines(text, file, schema);
  for (const problem of parsed.problems) problems.push(problem);
  return parsed.lines;
}

/**
 * The shell around NotifyGate: reads the chronicle, plans, commits the decisions and the
 * queued message to chronicle/notifications.jsonl, then delivers the outbox.
 */
export async function runNotify(options: NotifyOptions): Promise<NotifyRun> {
  const model = buildRepoModel(await readRepoSources(options.repo));
  const problems: Problem[] = [...model.fatal];
  const incidents = await readLines(options.repo, INCIDENTS_FILE, IncidentLine, problems);
  const log = await readLines(options.repo, NOTIFICATIONS_FILE, NotificationLine, problems);
  if (problems.length > 0) {
    throw new UserError(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the repo; nothing was sent or logged`, {
      problems,
      hint: 'Fix these and run again; `labwarden validate` lists every problem.',
    });
  }
  const memory = foldMemory(log);
  const plan = planNotifications({
    incidents,
    memory,
    admin: adminView(model.admin.events, options.now, failedDrains(model, options.now)),
    policy: model.policy,
    nodes: [...model.inventory.nodes.keys()].sort(),
    topology: notifyTopology(model.inventory, model.policy),
    now: options.now,
  });
  const render = (items: readonly NotifyItem[], key: string) =>
    renderMessage(items, {
      key,
      policy: model.policy,
      buttons: options.sink.buttons,
      ...(key === plan.messageKey ? { inhibitedDependents: plan.inhibitedDependents } : {}),
    });
  const backlog = memory.pending.map((line) => line.message);
  const queued = queueLines(plan, {
    at: formatTime(options.now),
    channel: options.sink.channel,
    render,
    known: (key) => memory.delivered.has(key) || backlog.includes(key),
  });
  const payload = plan.messageKey ? render(plan.items.filter((item) => item.via !== 'edit'), plan.messageKey) : null;
  const edits = plan.edits.map((edit) => ({ target: edit.target, payload: render(edit.items, edit.target) }));
  if (options.dryRun) return { plan, payload, edits, backlog, report: null };

  const append = async (lines: readonly NotificationLine[]) => {
    // A crash, kill -9 included, leaves all lines of this batch or none.
    if (lines.length > 0) await appendWhole(options.repo, NOTIFICATIONS_FILE, serializeLines(lines));
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

/** Nodes whose drain failed, by the same fold reconcile uses (admin chain + world + policy). */
function failedDrains(model: RepoModel, now: number): Set<string> {
  return new Set([...maintenanceStates(model, now)].filter(([, state]) => state.state === 'DrainFailed').map(([node]) => node));
}

/** Messages queued and neither delivered nor failed (what the watchdog's outbox check reads). */
export async function pendingOutbox(repo: string): Promise<OutboxLine[]> {
  const text = await readRepoFile(repo, NOTIFICATIONS_FILE);
  if (text === undefined) return [];
  return foldMemory(parseChronicleLines(NOTIFICATIONS_FILE, text, NotificationLine).lines).pending;
}
