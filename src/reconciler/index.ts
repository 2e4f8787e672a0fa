export { reconcile, summarize, compareRecommendations, type ReconcileInput } from './reconcile.js';
export { serializeResult } from './serialize.js';
