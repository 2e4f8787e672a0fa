import type { Severity } from '../model/index.js';
import type { DecisionLine, NotificationLine, OutboxLine } from './log-line.js';

/** What NotifyGate remembers between runs, folded from chronicle/notifications.jsonl. */
export interface GateMemory {
  /** Incident line ids already decided on: the "last delivered position", robust to reordering. */
  consumed: Set<string>;
  /** Dedup keys already sent. */
  sentKeys: Set<string>;
  /** fingerprint → what was last announced about its episode. */
  announced: Map<string, Announced>;
  /** fingerprint → episode held or suppressed (quiet hours, maintenance, silence) and not sent since. */
  held: Map<string, { episode: string; reason: string }>;
  /** Key of the announced "pipeline stopped" alert while it is not yet recovered. */
  pipelineStale: string | null;
  /** Outbox messages queued and neither delivered nor failed, in queue order. */
  pending: OutboxLine[];
  /** Messages that reached a final state. */
  delivered: Set<string>;
}

export interface Announced {
  episode: string;
  severity: Severity;
  /** Last time a reminder clock was reset: a sent alert or an ack-suppressed reminder. */
  lastAt: number;
  resolved: boolean;
  flapping: boolean;
  /** Reminders sent (or skipped for an ack) in this episode: part of the reminder's dedup key. */
  reminders: number;
}

export function emptyMemory(): GateMemory {
  return { consumed: new Set(), sentKeys: new Set(), announced: new Map(), held: new Map(), pipelineStale: null, pending: [], delivered: new Set() };
}

function applyDecision(memory: GateMemory, line: DecisionLine): void {
  for (const id of line.lines) memory.consumed.add(id);
  const at = Date.parse(line.at);
  if (line.decision !== 'sent') {
    if (line.kind === 'reminder' && line.reason === 'ack') {
      const entry = memory.announced.get(line.fingerprint);
      if (entry) {
        entry.lastAt = at;
        entry.reminders += 1;
      }
    }
    if (line.episode && (line.reason === 'quiet_hours' || line.reason === 'maintenance' || line.reason === 'silence')) {
      memory.held.set(line.fingerprint, { episode: line.episode, reason: line.reason });
    }
    return;
  }
  if (line.key) memory.sentKeys.add(line.key);
  if (line.kind === 'pipeline_stale') memory.pipelineStale = line.key ?? 'stale';
  if (line.kind === 'pipeline_recovered') memory.pipelineStale = null;
  if (!line.episode) return;
  memory.held.delete(line.fingerprint);
  const previous = memory.announced.get(line.fingerprint);
  const same = previous?.episode === line.episode ? previous : undefined;
  const entry: Announced = {
    episode: line.episode,
    severity: line.severity ?? same?.severity ?? 'warning',
    lastAt: at,
    resolved: line.kind === 'resolved' || line.kind === 'resolved_while_held' || line.kind === 'transient' || (line.kind === 'stable' && line.open === false),
    flapping: line.kind === 'flapping' ? true : line.kind === 'stable' ? false : (same?.flapping ?? false),
    reminders: (same?.reminders ?? 0) + (line.kind === 'reminder' ? 1 : 0),
  };
  memory.announced.set(line.fingerprint, entry);
}

/** Folds the log in file order (each run appends its decisions in one write). */
export function foldMemory(lines: readonly NotificationLine[]): GateMemory {
  const memory = emptyMemory();
  const queued = new Map<string, OutboxLine>();
  const final = new Set<string>();
  for (const line of lines) {
    if (line.type === 'decision') applyDecision(memory, line);
    else if (line.state === 'queued') {
      if (!queued.has(line.message)) queued.set(line.message, line);
    } else final.add(line.message);
  }
  memory.delivered = final;
  memory.pending = [...queued.values()].filter((line) => !final.has(line.message));
  return memory;
}
