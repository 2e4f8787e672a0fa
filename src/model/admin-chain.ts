import { createHash } from 'node:crypto';
import { AdminEvent } from './admin.js';

export const ADMIN_FILE = 'chronicle/admin.jsonl';

/** `prev` of the first line. */
export const GENESIS = '0'.repeat(64);

/** sha256 hex of one line's UTF-8 bytes, without its trailing newline. */
export function hashLine(line: string): string {
  return createHash('sha256').update(line, 'utf8').digest('hex');
}

export interface ChainBreak {
  /** The first seq that can no longer be trusted. */
  seq: number;
  /** 1-based line number in chronicle/admin.jsonl. */
  line: number;
  reason: string;
}

export interface AdminChain {
  /** Trusted events, in seq order: everything before the break. */
  events: AdminEvent[];
  break?: ChainBreak;
  /** Lines at or after the break that were not folded. */
  ignored: number;
  /** hash of the last trusted line: the `prev` of the next append. */
  head: string;
  /** hash of each trusted line, by seq - 1. */
  hashes: string[];
  /** 1-based line number of each trusted line, by seq - 1. */
  lines: number[];
}

/** The newest line reconcile folded, as status/recommendations.json records it (`admin_head`). */
export interface AdminHead {
  seq: number;
  hash: string;
}

/**
 * Verifies and parses chronicle/admin.jsonl. Each line must be valid, carry seq = previous + 1
 * and `prev` = hash of the previous line. The fold stops at the first failure: an edited line
 * shows up as its successor's `prev` mismatch, so the edited line (not its successor) is the
 * first untrusted one. Only the last line can be edited undetected by the chain itself; git
 * history covers that one.
 */
export function foldAdminEvents(input: string | readonly string[]): AdminChain {
  const parts = typeof input === 'string' ? input.split('\n') : [...input];
  let torn: number | undefined;
  if (typeof input === 'string') {
    const last = parts.pop()!; // '' when the text ends with a newline
    // Appends are whole lines: a last line without its newline is an interrupted write.
    if (last.trim() !== '') torn = parts.push(last);
  }
  const lines = parts.map((text, index) => ({ text, line: index + 1 }));
  const events: AdminEvent[] = [];
  const hashes: string[] = [];
  const numbers: number[] = [];
  let head = GENESIS;
  const present = lines.filter((entry) => entry.text.trim() !== '');
  for (let index = 0; index < present.length; index++) {
    const { text, line } = present[index]!;
    const expected = events.length + 1;
    const stop = (seq: number, at: number, reason: string, keep: number): AdminChain => {
      const kept = events.slice(0, keep);
      return {
        events: kept,
        break: { seq, line: at, reason },
        ignored: present.length - keep,
        head: keep === 0 ? GENESIS : hashes[keep - 1]!,
        hashes: hashes.slice(0, keep),
        lines: numbers.slice(0, keep),
      };
    };
    if (line === torn) {
      return stop(expected, line, 'incomplete last line (an interrupted append?): no trailing newline', events.length);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return stop(expected, line, `seq ${expected}: not a JSON object`, events.length);
    }
    const parsed = AdminEvent.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return stop(
        expected,
        line,
        `seq ${expected}: ${issue.path.join('.') || 'line'}: ${issue.message}`,
        events.length,
      );
    }
    const event = parsed.data;
    if (event.prev !== head) {
      if (events.length === 0) return stop(1, line, 'seq 1: prev must be 64 zeros for the first line', 0);
      // The previous line's bytes are not what this line recorded: that line was edited,
      // or lines between them were removed or reordered.
      const previous = present[index - 1]!;
      if (event.seq === expected) {
        return stop(
          expected - 1,
          previous.line,
          `seq ${expected - 1} was edited: seq ${expected} records a different hash for it`,
          events.length - 1,
        );
      }
      return stop(
        expected,
        line,
        `seq ${expected} expected, found seq ${event.seq} whose prev does not match: a line was removed, inserted or reordered`,
        events.length,
      );
    }
    if (event.seq !== expected) {
      return stop(expected, line, `seq ${expected} expected, found seq ${event.seq}`, events.length);
    }
    events.push(event);
    head = hashLine(text);
    hashes.push(head);
    numbers.push(line);
  }
  return { events, ignored: 0, head, hashes, lines: numbers };
}

/** What status/ should record as folded: the chain's last trusted line, if any. */
export function adminHeadOf(chain: AdminChain): AdminHead | undefined {
  return chain.events.length === 0 ? undefined : { seq: chain.events.length, hash: chain.head };
}

/**
 * The chain alone cannot tell that its newest line was edited or removed: nothing after it
 * records its hash. status/recommendations.json does (`admin_head`, written by the reconcile
 * that folded it). Returns what is wrong, located in admin.jsonl, or undefined.
 *
 * Only a report: the fold is not changed. status/ is derived and travels through rebases
 * separately from admin.jsonl, so a witness from another line of history must cost a warning
 * at most, never trusted events or a wedged chain.
 */
export function checkAdminWitness(
  chain: AdminChain,
  witness: AdminHead | undefined,
): { line: number; message: string } | undefined {
  if (!witness || chain.break) return undefined;
  const count = chain.events.length;
  const recorded = `status/recommendations.json records seq ${witness.seq} as folded`;
  if (witness.seq > count) {
    return {
      line: count === 0 ? 1 : chain.lines[count - 1]! + 1,
      message: `seq ${witness.seq} was removed: ${recorded}, the file ${count === 0 ? 'is empty' : `ends at seq ${count}`}`,
    };
  }
  if (chain.hashes[witness.seq - 1] === witness.hash) return undefined;
  return {
    line: chain.lines[witness.seq - 1]!,
    message: `seq ${witness.seq} was edited: ${recorded} with a different hash`,
  };
}

const ORDER = [
  'seq',
  'at',
  'actor',
  'action',
  'node',
  'reason',
  'prev',
  'until',
  'matcher',
  'fingerprint',
  'skill',
] as const;

/** One admin event as its line (without newline): fixed key order, so the bytes are reproducible. */
export function formatAdminLine(event: AdminEvent): string {
  const out: Record<string, unknown> = {};
  for (const key of ORDER) {
    const value = event[key];
    if (value === undefined) continue;
    out[key] =
      key === 'matcher' && value && typeof value === 'object' ? sortKeys(value as Record<string, unknown>) : value;
  }
  return JSON.stringify(out);
}

function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => [k, value[k]]),
  );
}
