import { DRIFTS } from '../model/recommendation.js';

/** Identifiers the product writes (drifts, actions, states) that a reader should see as words. */
const SPECIAL: Record<string, string> = { ok: 'OK', in_progress: 'In progress', failover_review: 'Review failover' };

/** `EnteringMaintenance` → `Entering maintenance`, `unhealthy_service` → `Unhealthy service`. */
export function humanize(identifier: string): string {
  const special = SPECIAL[identifier];
  if (special) return special;
  const words = identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const LEADING = new RegExp(`^(${DRIFTS.join('|')})\\s*[;:]\\s*`);
const INSIDE = new RegExp(`\\b(${DRIFTS.join('|')})\\b`, 'g');

/**
 * A reason as a person reads it: `unhealthy_service; waiting for …` → `Unhealthy service: waiting
 * for …`. Only the product's own drift names are rewritten; user text (service names) is kept.
 */
export function humanReason(reason: string): string {
  const leading = LEADING.exec(reason);
  const rest = leading ? reason.slice(leading[0].length) : reason;
  const body = rest.replace(INSIDE, (id) => humanize(id).toLowerCase());
  return leading ? `${humanize(leading[1]!)}: ${body}` : body;
}
