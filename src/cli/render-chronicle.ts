import { parseTime } from '../model/index.js';
import { paint, type Io } from './io.js';
import type { IncidentLine } from '../chronicle/line.js';
import { sortUnique } from '../chronicle/state.js';

export interface ChronicleFilter {
  since?: number;
  node?: string;
  /** `service` or `node/service`. */
  service?: string;
}

export function filterLines(lines: readonly IncidentLine[], filter: ChronicleFilter): IncidentLine[] {
  return sortUnique(lines).filter((line) => {
    if (filter.since !== undefined && parseTime(line.at) < filter.since) return false;
    if (filter.node !== undefined && line.node !== filter.node) return false;
    if (filter.service !== undefined) {
      const [node, service] = filter.service.includes('/') ? filter.service.split('/', 2) : [undefined, filter.service];
      if (line.service !== service || (node !== undefined && line.node !== node)) return false;
    }
    return true;
  });
}

const EVENT_STYLE = {
  opened: 'red',
  escalated: 'magenta',
  deescalated: 'cyan',
  resolved: 'green',
  flapping: 'yellow',
  stable: 'green',
} as const;

/** The terminal view of chronicle/incidents.jsonl: one line per event, oldest first. */
export function renderChronicle(lines: readonly IncidentLine[], io: Io): string {
  if (lines.length === 0) return 'No incidents recorded for this selection.';
  const targets = lines.map((line) => (line.service ? `${line.node}/${line.service}` : line.node));
  // A reduce, not Math.max(...): a long chronicle has more lines than the stack has room for arguments.
  const width = targets.reduce((max, t) => Math.max(max, t.length), 0);
  const drift = lines.reduce((max, line) => Math.max(max, line.drift.length), 0);
  return lines
    .map((line, index) => {
      const window = line.maintenance_window ? `  [maintenance: ${line.maintenance_window}]` : '';
      return (
        `${line.at}  ${paint(io, EVENT_STYLE[line.event], line.event.padEnd(11))}  ${paint(io, 'bold', targets[index]!.padEnd(width))}  ` +
        `${line.drift.padEnd(drift)}  ${line.severity.padEnd(8)}  ${line.reason}${window}`
      );
    })
    .join('\n');
}
