export * from './line.js';
export { advanceChronicle, type ChronicleHistory, type ChronicleAdvance } from './advance.js';
export { applyChronicle } from './apply.js';
export { distill, distillSorted, serializeInsights, INSIGHTS_FILE, type Insights } from './distill.js';
export { foldIncidents, sortUnique, stepIncident, type IncidentState } from './state.js';
export { loadChronicle, repairChronicle, appendLines } from './store.js';
