import { activeSilences } from '../maintenance/silences.js';
import type { AdminEvent, MaintenanceState } from '../model/index.js';

export type { MaintenanceState };

export interface SilenceView {
  actor: string;
  at: string;
  /** A time, or `resolved`. */
  until: string;
  node: string | null;
  /** The service or incident it covers, when narrower than a node. */
  matcher: string | null;
  reason: string;
}

/** Silences in force at `now`, from the verified admin chain (the notify code's own rule). */
export function silencesInForce(
  events: readonly AdminEvent[],
  now: number,
  isOpen: (fingerprint: string) => boolean,
): SilenceView[] {
  return activeSilences(events, now, isOpen).map((silence) => ({
    actor: silence.actor,
    at: silence.at,
    until: silence.until,
    node: silence.matcher.node ?? null,
    matcher: silence.matcher.fingerprint ?? silence.matcher.service ?? null,
    reason: silence.reason ?? '',
  }));
}
