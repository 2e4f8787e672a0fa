import type { Severity } from '../model/index.js';
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

/** The current life of one fingerprint, folded from the chronicle. */
export interface IncidentState extends IncidentSubject {
  revision?: string;
  open: boolean;
  flapping: boolean;
  /** Id of the line that opened the current episode. */
  episode: string;
  openedAt: number;
  /** When the current episode last resolved (while closed). */
  closedAt?: number;
  /** The policy maintenance window the current episode opened in (chronicle tag). */
  maintenanceWindow?: string;
}

/**
 * Folds incident lines observed up to `now` into one state per fingerprint. A reopen less
 * than `stabilizeFor` after a resolve continues the same episode (policy `stabilize_for`):
 * a flip is not a new incident.
 */
export function foldIncidents(lines: readonly IncidentLine[], now: number, stabilizeFor = 0): Map<string, IncidentState> {
  const states = new Map<string, IncidentState>();
  for (const line of sortIncidentLines(lines)) {
    if (Date.parse(line.at) > now) continue;
    const previous = states.get(line.fingerprint);
    const state: IncidentState = previous ?? {
      fingerprint: line.fingerprint,
      node: line.node,
      severity: line.severity,
      open: false,
      flapping: false,
      episode: line.id,
      openedAt: Date.parse(line.at),
    };
    for (const key of ['service', 'drift', 'recommendation', 'action', 'reason', 'revision'] as const) {
      if (line[key] !== undefined) state[key] = line[key];
    }
    state.severity = line.severity;
    switch (line.event) {
      case 'opened': {
        const at = Date.parse(line.at);
        const continues = previous && state.closedAt !== undefined && at - state.closedAt < stabilizeFor;
        if ((!state.open || !previous) && !continues) {
          state.episode = line.id;
          state.openedAt = at;
          if (line.maintenance_window !== undefined) state.maintenanceWindow = line.maintenance_window;
          else delete state.maintenanceWindow;
        }
        state.open = true;
        delete state.closedAt;
        break;
      }
      case 'resolved':
        if (state.open) state.closedAt = Date.parse(line.at);
        state.open = false;
        break;
      case 'flapping':
        state.flapping = true;
        break;
      case 'stable':
        state.flapping = false;
        break;
      default:
        if (!previous) state.open = true;
        break;
    }
    states.set(line.fingerprint, state);
  }
  return states;
}
