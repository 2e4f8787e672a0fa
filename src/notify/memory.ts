import type { Severity } from '../model/index.js';
import type { DecisionLine, ItemKind, NotificationLine, OutboxLine } from './log-line.js';

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
  /** fingerprint → the live message (post) that announced its episode last: edits go there. */
  groupOf: Map<string, Member & { message: string }>;
  /** Posted message key → the incidents it announced (in order). */
  members: Map<string, Member[]>;
  /** Posted message key → signature of what it shows (queued post or its latest queued edit). */
  sigs: Map<string, string>;
  /** Message key → Discord's id of the posted message (an edit reposted after a 404 moves it). */
  ids: Map<string, PostedId>;
  /** Posted message key → edits queued for it so far (part of the next edit's key). */
  edits: Map<string, number>;
}

/** Where a message was posted: only the same sink (webhook or bot channel) can edit it. */
export interface PostedId {
  id: string;
  channel?: string;
}

export interface Member {
  fingerprint: string;
  episode: string;
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
  /** What was last said about it (opened, escalated, reminder, flapping, stable, ...). */
  kind: ItemKind;
}

export function emptyMemory(): GateMemory {
  return {
    consumed: new Set(),
    sentKeys: new Set(),
    announced: new Map(),
    held: new Map(),
    pipelineStale: null,
    pending: [],
    delivered: new Set(),
    groupOf: new Map(),
    members: new Map(),
    sigs: new Map(),
    ids: new Map(),
    edits: new Map(),
  };
}

/** Kinds that never make their message the incident's live message. */
const CLOSING = new Set<ItemKind>(['resolved', 'pipeline_recovered']);

function applyGroup(memory: GateMemory, line: DecisionLine): void {
  if (!line.message || line.via === 'edit') return;
  if (!line.episode || CLOSING.has(line.kind)) return;
  memory.groupOf.set(line.fingerprint, { fingerprint: line.fingerprint, episode: line.episode, message: line.message });
  const members = memory.members.get(line.message) ?? [];
  if (!members.some((member) => member.fingerprint === line.fingerprint)) {
    members.push({ fingerprint: line.fingerprint, episode: line.episode });
  }
  memory.members.set(line.message, members);
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
  applyGroup(memory, line);
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
    resolved:
      line.kind === 'resolved' ||
      line.kind === 'resolved_while_held' ||
      line.kind === 'transient' ||
      (line.kind === 'stable' && line.open === false),
    flapping: line.kind === 'flapping' ? true : line.kind === 'stable' ? false : (same?.flapping ?? false),
    reminders: (same?.reminders ?? 0) + (line.kind === 'reminder' ? 1 : 0),
    kind: line.kind,
  };
  memory.announced.set(line.fingerprint, entry);
}

/** Folds the log in file order (each run appends its decisions in one write). */
export function foldMemory(lines: readonly NotificationLine[]): GateMemory {
  const memory = emptyMemory();
  const queued = new Map<string, OutboxLine>();
  const final = new Set<string>();
  const targets = new Map<string, string>();
  for (const line of lines) {
    if (line.type === 'decision') applyDecision(memory, line);
    else if (line.state === 'queued') {
      if (!queued.has(line.message)) queued.set(line.message, line);
      if (line.edit && !targets.has(line.message)) {
        targets.set(line.message, line.edit);
        memory.edits.set(line.edit, (memory.edits.get(line.edit) ?? 0) + 1);
      }
      if (line.sig) memory.sigs.set(line.edit ?? line.message, line.sig);
    } else {
      final.add(line.message);
      const channel = line.channel ? { channel: line.channel } : {};
      const posted = line.discord_id ? { id: line.discord_id, ...channel } : undefined;
      if (posted) memory.ids.set(line.message, posted);
      // An edit whose message was deleted was posted anew: later edits go to the new one.
      const target = targets.get(line.message);
      if (posted && line.reposted && target) memory.ids.set(target, posted);
    }
  }
  memory.delivered = final;
  memory.pending = [...queued.values()].filter((line) => !final.has(line.message));
  return memory;
}
