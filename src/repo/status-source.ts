// The files reconcile writes to status/, without dependencies: the run shortcut and
// `labwarden status` read them before (or without) loading the model.

/** Where reconcile writes its result (read back for the admin witness). */
export const STATUS_SOURCE = 'status/recommendations.json';
export const INSIGHTS_FILE = 'status/insights.json';
