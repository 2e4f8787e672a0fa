/** Where reconcile writes its result; a module of its own so `labwarden status` loads nothing else. */
export { STATUS_SOURCE as STATUS_FILE } from '../repo/status-source.js';
