import { activeSilences, acknowledgements, foldIntents, type Silence as ChainSilence } from '../maintenance/index.js';
import { parseTime, type AdminEvent } from '../model/index.js';

/** A silence as the gate uses it: the chain's, with its start and end as times. */
export interface Silence extends ChainSilence {
  from: number;
  /** Milliseconds since the epoch, or `resolved`: ends when the incident open at `from` resolves. */
  end: number | 'resolved';
}

/** What gates alerts, as plain data: the planner takes this, not the chain. */
export interface AdminView {
  /** Nodes an operator put in maintenance (enter or drain, not yet exited): their alerts are suppressed. */
  maintenance: string[];
  silences: Silence[];
  /** fingerprint → time of its ack. An ack covers the episode open at that time. */
  acks: Record<string, number>;
}

export function emptyAdminView(): AdminView {
  return { maintenance: [], silences: [], acks: {} };
}

/**
 * The admin chain as NotifyGate sees it at `now`, through the maintenance module's own folds
 * (intents, silences, acks): the verified events of chronicle/admin.jsonl, those after `now`
 * left out. `drainFailed`: nodes whose derived state is DrainFailed.
 */
export function adminView(
  events: readonly AdminEvent[],
  now: number,
  drainFailed: ReadonlySet<string> = new Set(),
): AdminView {
  const seen = events.filter((event) => parseTime(event.at) <= now);
  // A node whose drain failed (drain_timeout passed) is not in maintenance: reconcile raises its
  // drift again, and the operator must hear about it, the failed drain included.
  const maintenance = [...foldIntents(seen)]
    .filter(([node, intent]) => intent.mode === 'maintenance' && !drainFailed.has(node))
    .map(([node]) => node)
    .sort();
  const silences = activeSilences(seen, now).map((silence) => ({
    ...silence,
    from: parseTime(silence.at),
    end: silence.until === 'resolved' ? ('resolved' as const) : parseTime(silence.until),
  }));
  const acks = Object.fromEntries(
    [...acknowledgements(seen)].map(([fingerprint, ack]) => [fingerprint, parseTime(ack.at)]),
  );
  return { maintenance, silences, acks };
}
