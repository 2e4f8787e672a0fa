import { z } from 'zod';
import { Timestamp } from '../model/index.js';

/**
 * The admin events NotifyGate needs from chronicle/admin.jsonl. The maintenance module owns
 * the format and the full state machine; this reader only folds what gates alerts.
 */
export const AdminLine = z.looseObject({
  seq: z.number().optional(),
  at: Timestamp,
  actor: z.string().optional(),
  action: z.string(),
  node: z.string().optional(),
  reason: z.string().optional(),
  until: z.string().optional(),
  matcher: z.object({ node: z.string().optional(), service: z.string().optional(), fingerprint: z.string().optional() }).optional(),
  fingerprint: z.string().optional(),
});
export type AdminLine = z.infer<typeof AdminLine>;

export const ADMIN_FILE = 'chronicle/admin.jsonl';

export interface Silence {
  matcher: { node?: string; service?: string; fingerprint?: string };
  from: number;
  /** Milliseconds since the epoch, or `resolved`: ends when the matched incident resolves. */
  until: number | 'resolved';
  reason: string;
  actor: string;
}

/** What gates alerts, as plain data: the planner takes this, not the chain. */
export interface AdminView {
  /** Nodes in maintenance or draining: their alerts are suppressed. */
  maintenance: string[];
  silences: Silence[];
  /** fingerprint → time of the latest ack. An ack covers the episode open at that time. */
  acks: Record<string, number>;
}

export function emptyAdminView(): AdminView {
  return { maintenance: [], silences: [], acks: {} };
}

function parseUntil(value: string | undefined, from: number): number | 'resolved' {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  if (value === 'resolved') return 'resolved';
  const at = Date.parse(value);
  return Number.isNaN(at) ? from : at;
}

/** Folds admin lines (in chain order) up to `now` into the view NotifyGate uses. */
export function foldAdminView(lines: readonly AdminLine[], now: number): AdminView {
  const maintenance = new Set<string>();
  let silences: Silence[] = [];
  const acks: Record<string, number> = {};
  const ordered = [...lines].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0) || Date.parse(a.at) - Date.parse(b.at));
  for (const line of ordered) {
    const at = Date.parse(line.at);
    if (at > now) continue;
    switch (line.action) {
      case 'enter_maintenance':
      case 'drain':
        if (line.node) maintenance.add(line.node);
        break;
      case 'exit_maintenance':
        if (line.node) maintenance.delete(line.node);
        break;
      case 'silence': {
        const matcher = line.matcher ?? (line.node ? { node: line.node } : line.fingerprint ? { fingerprint: line.fingerprint } : undefined);
        if (matcher) silences.push({ matcher, from: at, until: parseUntil(line.until, at), reason: line.reason ?? '', actor: line.actor ?? '' });
        break;
      }
      case 'unsilence': {
        const matcher = line.matcher ?? (line.node ? { node: line.node } : { fingerprint: line.fingerprint });
        silences = silences.filter((silence) => JSON.stringify(silence.matcher) !== JSON.stringify(matcher));
        break;
      }
      case 'ack':
        if (line.fingerprint) acks[line.fingerprint] = at;
        break;
      default:
        break;
    }
  }
  return { maintenance: [...maintenance].sort(), silences: silences.filter((silence) => silence.until === 'resolved' || silence.until > now), acks };
}
