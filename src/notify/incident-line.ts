/**
 * chronicle/incidents.jsonl as NotifyGate reads it: the chronicle's own contract and reading
 * order (src/chronicle/line.ts, state.ts), not a second schema.
 */
export { IncidentLine, INCIDENTS_FILE } from '../chronicle/line.js';
export { sortUnique as sortIncidentLines } from '../chronicle/state.js';
