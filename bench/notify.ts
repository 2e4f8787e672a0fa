// Alert count over a noisy synthetic week (bench/noisy-week.ts): NotifyGate vs a naive
// monitor that sends one message per observed change. Deterministic; runs the real
// reconcile + chronicle every 5 minutes and NotifyGate after each run, exactly as the
// scheduled job does. Usage: npm run bench:notify
import { simulateRuns } from '../src/notify/simulate.js';
import { coverage, noisyWeek, OBSERVE_EVERY } from './noisy-week.js';

const week = noisyWeek();
const lines = (count: number, width = 4) => String(count).padStart(width);
console.log(
  `noisy week: ${week.nodes.length} nodes, ${week.runs.length} runs (every ${OBSERVE_EVERY / 60_000}m), ${week.incidents.length} chronicle lines`,
);
console.log(`naive (one message per observed change of a node or service): ${week.naive}`);
for (const [scenario, count] of Object.entries(week.naiveByScenario).sort())
  console.log(`  ${scenario.padEnd(20)} ${lines(count)}`);
let failed = false;
for (const [name, policy] of [
  ['default policy (alert_after 0)', { ...week.policy, alert_after: 0 }],
  ['week policy (alert_after 10m)', week.policy],
] as const) {
  const started = performance.now();
  const results = simulateRuns({
    incidents: week.incidents,
    policy,
    topology: week.topology,
    nodes: week.nodes,
    runs: week.runs,
  });
  const elapsed = performance.now() - started;
  const messages = results.filter((run) => run.plan.messageKey !== null);
  // A message counts toward every scenario it carries an item of.
  const byScenario: Record<string, number> = {};
  for (const run of messages) {
    const scenarios = new Set(
      run.plan.items
        .filter((item) => item.via !== 'edit')
        .map((item) =>
          item.kind.startsWith('pipeline')
            ? 'pipeline'
            : week.scenarioAt(
                item.service ? `${item.node}/${item.service}` : item.node,
                episodeStart(item.fingerprint, run.at),
              ),
        ),
    );
    for (const scenario of scenarios) byScenario[scenario] = (byScenario[scenario] ?? 0) + 1;
  }
  const covered = coverage(week, policy, results);
  const edits = results.reduce((sum, run) => sum + run.plan.edits.length, 0);
  console.log(
    `\n[${name}] NotifyGate: ${messages.length} posts → ${(week.naive / messages.length).toFixed(1)}× fewer than naive; ${edits} edits of live messages (they notify nobody)`,
  );
  for (const [scenario, count] of Object.entries(byScenario).sort())
    console.log(
      `  ${scenario.padEnd(20)} ${lines(week.naiveByScenario[scenario] ?? 0)} changes → ${lines(count, 3)} posts`,
    );
  const editKinds: Record<string, number> = {};
  for (const run of results)
    for (const item of run.plan.items) if (item.via === 'edit') editKinds[item.kind] = (editKinds[item.kind] ?? 0) + 1;
  console.log(
    `  transitions shown by an edit: ${
      Object.entries(editKinds)
        .sort()
        .map(([kind, count]) => `${kind} ${count}`)
        .join(', ') || 'none'
    }`,
  );
  console.log(
    `  coverage: ${covered.announced} incidents announced, ${covered.rootCause} under their root cause, ${covered.maintenance} in a maintenance window, ${covered.belowMinSeverity} below min_severity, ${covered.shorterThanAlertAfter} shorter than alert_after, ${covered.unannounced.length} unannounced`,
  );
  console.log(`  planner ${(elapsed / week.runs.length).toFixed(2)} ms/run`);
  if (covered.unannounced.length > 0) {
    console.log(covered.unannounced);
    failed = true;
  }
}

/** When the chronicle episode an alert is about began (the scenario is looked up there). */
function episodeStart(fingerprint: string, at: number): number {
  let start = at;
  for (const line of week.incidents) {
    if (Date.parse(line.at) > at) break;
    if (line.fingerprint === fingerprint && line.event === 'opened') start = Date.parse(line.at);
  }
  return start;
}
if (failed) process.exitCode = 1;
