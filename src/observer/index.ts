export { runObserve, type ObserveOptions, type NodeObserveResult } from './observe.js';
export { runProbes, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, type ProbeJob } from './run-probes.js';
export { spawnRunner, type CommandRunner, type CommandResult } from './runner.js';
export { PROBES, type ProbeAdapter, type ProbeOutcome } from './probes/index.js';
export { observeSnapshot, withLatency, withoutLatency } from './snapshot.js';
export { recordDeployment, openIncident, resolveIncident, KEEP_DEPLOYMENTS } from './report.js';
export { serializeSnapshot } from './serialize.js';
export { pushNodeHeartbeat, writeLocalHeartbeat } from './heartbeat.js';
export { loadRepo, nodeWorld, writeNodeWorld } from './world-file.js';
