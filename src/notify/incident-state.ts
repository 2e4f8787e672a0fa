import { stepIncident, type IncidentState as ChronicleState } from '../chronicle/state.js';
import { parseTime, type Severity } from '../model/index.js';
import { sortIncidentLines, type IncidentLine } from './incident-line.js';

/** What an incident is about: shared by the folded state and the items a message announces. */
export interface IncidentSubject {
  fingerprint: string;
  node: string;
  service?: string;
  drift?: string;
  severity: Severity;
  recommendation?: string;
  action?: string;
  reason?: string;
}

/** The current life of one fingerprint: the chronicle's fold plus what the gate needs on top. */
export interface IncidentState extends IncidentSubject {
  revision?: string;
  open: boolean;
  flapping: boolean;
  /** Id of the line that opened the current episode. */
  episode: string;
  /** When the current episode opened (a reopen that continues it keeps this). */
  openedAt: number;
  /** When the current episode last resolved (while closed). */
  closedAt?: number;
  /** The policy maintenance window the current episode opened in (chronicle tag). */
  maintenanceWindow?: string;
}

/** The gate's layer over the chronicle fold: announcement episodes. */
interface Episode {
  episode: string;
  openedAt: number;
  closedAt?: number;
  maintenanceWindow?: string;
}

/**
 * Folds incident lines observed up to `now`: the chronicle's fold (`stepIncident`), plus
 * episodes. A reopen less than `stabilizeFor` after a resolve continues the same episode
 * (policy `stabilize_for`): a flip is not a new incident to announce.
 */
export function foldIncidents(
  lines: readonly IncidentLine[],
  now: number,
  stabilizeFor = 0,
): Map<string, IncidentState> {
  const base = new Map<string, ChronicleState>();
  const episodes = new Map<string, Episode>();
  for (const line of sortIncidentLines(lines)) {
    const at = parseTime(line.at);
    if (at > now) break; // reading order is by time
    const before = base.get(line.fingerprint);
    const wasOpen = before?.open ?? false;
    base.set(line.fingerprint, stepIncident(before, line));
    const episode = episodes.get(line.fingerprint) ?? { episode: line.id, openedAt: at };
    episodes.set(line.fingerprint, episode);
    if (line.event === 'opened') {
      const continues = before !== undefined && episode.closedAt !== undefined && at - episode.closedAt < stabilizeFor;
      if ((!wasOpen || before === undefined) && !continues) {
        episode.episode = line.id;
        episode.openedAt = at;
        if (line.maintenance_window !== undefined) episode.maintenanceWindow = line.maintenance_window;
        else delete episode.maintenanceWindow;
      }
      delete episode.closedAt;
    } else if (line.event === 'resolved' && wasOpen) {
      episode.closedAt = at;
    }
  }
  const states = new Map<string, IncidentState>();
  for (const [fingerprint, state] of base) {
    const { node, service, drift, action, reason } = state.last;
    const revision = (state.last as { revision?: unknown }).revision;
    const { closedAt, maintenanceWindow, ...episode } = episodes.get(fingerprint)!;
    states.set(fingerprint, {
      fingerprint,
      node,
      ...(service !== undefined ? { service } : {}),
      drift,
      severity: state.severity,
      recommendation: state.recommendation,
      action,
      reason,
      ...(typeof revision === 'string' ? { revision } : {}),
      open: state.open,
      flapping: state.flapping,
      ...episode,
      ...(closedAt !== undefined && !state.open ? { closedAt } : {}),
      ...(maintenanceWindow !== undefined ? { maintenanceWindow } : {}),
    });
  }
  return states;
}
