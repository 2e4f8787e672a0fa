export {
  advanceEpisodes,
  emptyState,
  newerState,
  type Check,
  type Episode,
  type WatchdogAlert,
  type WatchdogState,
} from './episodes.js';
export { outboxCheck, OUTBOX_CHECK } from './checks.js';
export {
  cycleCheck,
  describeStaleObservers,
  observerChecks,
  reconcilerCheck,
  staleObservers,
  CYCLE_CHECK,
  RECONCILER_CHECK,
  type StaleObserver,
} from './checks.js';
export { renderWatchdogMessage } from './message.js';
export { localStateFile, stateBranch, WATCHDOG_PREFIX } from './store.js';
export {
  readReconcilerHeartbeat,
  writeLocalReconcilerHeartbeat,
  RECONCILER_HEARTBEAT,
} from './reconciler-heartbeat.js';
export { runWatchdog, type WatchdogOptions, type WatchdogResult } from './watch.js';
export { describeWatchdog } from './report.js';
export { watchReconciler } from './observer-watch.js';
export { readPolicy } from '../repo/policy.js';
