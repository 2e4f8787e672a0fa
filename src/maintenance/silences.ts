import { parseTime, type AdminEvent, type SilenceMatcher } from '../model/index.js';

export interface Silence {
  seq: number;
  /** When it was set. */
  at: string;
  actor: string;
  reason: string | null;
  matcher: SilenceMatcher;
  until: string;
}

export function sameMatcher(a: SilenceMatcher, b: SilenceMatcher): boolean {
  return a.node === b.node && a.service === b.service && a.fingerprint === b.fingerprint;
}

/**
 * Silences still in force at `now`: not expired and not lifted by a later `unsilence` with
 * the same matcher. A silence `until: resolved` lasts while `isOpen(fingerprint)` says its
 * incident is open (without that knowledge it counts as in force).
 */
export function activeSilences(
  events: readonly AdminEvent[],
  now: number,
  isOpen?: (fingerprint: string) => boolean,
): Silence[] {
  let silences: Silence[] = [];
  for (const event of events) {
    if (event.action === 'silence' && event.matcher && event.until) {
      silences = silences.filter((s) => !sameMatcher(s.matcher, event.matcher!));
      silences.push({
        seq: event.seq,
        at: event.at,
        actor: event.actor,
        reason: event.reason,
        matcher: event.matcher,
        until: event.until,
      });
    } else if (event.action === 'unsilence' && event.matcher) {
      silences = silences.filter((s) => !sameMatcher(s.matcher, event.matcher!));
    }
  }
  return silences.filter((s) =>
    s.until === 'resolved'
      ? !isOpen || (s.matcher.fingerprint !== undefined && isOpen(s.matcher.fingerprint))
      : parseTime(s.until) > now,
  );
}

/** Whether a silence covers an alert about `node`, `node/service` and incident `fingerprint`. */
export function isSilenced(
  silences: readonly Silence[],
  alert: { node?: string; service?: string; fingerprint?: string },
): boolean {
  return silences.some(({ matcher }) => {
    if (matcher.node !== undefined && matcher.node !== alert.node) return false;
    if (matcher.fingerprint !== undefined && matcher.fingerprint !== alert.fingerprint) return false;
    if (matcher.service !== undefined) {
      const [node, service] = matcher.service.includes('/') ? matcher.service.split('/') : [undefined, matcher.service];
      if (service !== alert.service || (node !== undefined && node !== alert.node)) return false;
    }
    return true;
  });
}

/** Incident fingerprints acknowledged by an operator, with who acknowledged them first. */
export function acknowledgements(
  events: readonly AdminEvent[],
): Map<string, { seq: number; actor: string; at: string }> {
  const acks = new Map<string, { seq: number; actor: string; at: string }>();
  for (const event of events) {
    if (event.action === 'ack' && event.fingerprint && !acks.has(event.fingerprint)) {
      acks.set(event.fingerprint, { seq: event.seq, actor: event.actor, at: event.at });
    }
  }
  return acks;
}
