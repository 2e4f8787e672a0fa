/** Where reconcile writes its result; a module of its own so `labwarden status` loads nothing else. */
export const STATUS_FILE = 'status/recommendations.json';
