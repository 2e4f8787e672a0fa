import { readRepoFile } from '../fs/safe-path.js';
import { buildRepoModel, chronicleFile, readRepoSources } from '../repo/index.js';
import { adminView } from '../notify/admin-view.js';
import { INCIDENTS_FILE } from '../notify/incident-line.js';
import { foldIncidents } from '../notify/incident-state.js';
import { maintenanceFromStatus } from '../maintenance/status-view.js';
import { activeSilences } from '../maintenance/silences.js';
import { Policy } from '../model/index.js';
import { parseSource } from '../repo/source.js';
import type { BotView } from './plan-command.js';
import { remediationPause } from '../maintenance/append.js';
import { UserError } from '../errors/problem.js';
import type { Recommendation } from '../model/index.js';
import { factsFor, loadSkills, matchSkills, readStatus } from '../skills/index.js';
import { describeDiagnosis, describeRunbook, recommendationNotes } from '../skills/runbooks.js';

/** Reads what commands need from the repo: nodes, policy, maintenance, open incidents. */
export async function readBotView(repo: string, now: number): Promise<BotView> {
  const model = buildRepoModel(await readRepoSources(repo));
  const incidents = chronicleFile(model, INCIDENTS_FILE).lines;
  let summary: string | undefined;
  const states: Record<string, string> = {};
  try {
    const status = JSON.parse((await readRepoFile(repo, 'status/recommendations.json')) ?? '{}') as {
      summary?: string;
      nodes?: Record<string, { maintenance?: unknown }>;
    };
    summary = status.summary;
    // The states status/ holds (reconcile's fold of the chain and the world): nothing is folded a second way here.
    for (const [node, entry] of Object.entries(status.nodes ?? {})) {
      const view = maintenanceFromStatus(entry?.maintenance);
      if (view.state === 'Active') continue;
      const since = view.since ? ` since ${view.since}` : '';
      const by = view.actor ? ` by ${view.actor}` : '';
      states[node] = `${view.state}${since}${by}${view.drain ? `, ${view.drain.text}` : ''}`;
    }
  } catch {
    summary = undefined;
  }
  const open = [...foldIncidents(incidents, now).values()]
    .filter((state) => state.open)
    .map(({ fingerprint, node, service, severity, drift, reason }) => ({
      fingerprint,
      node,
      severity,
      ...(service ? { service } : {}),
      ...(drift ? { drift } : {}),
      ...(reason ? { reason } : {}),
    }))
    .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
  const isOpen = new Set(open.map((incident) => incident.fingerprint));
  const silences = activeSilences(model.admin.events, now, (fingerprint) => isOpen.has(fingerprint));
  const nodes = [...model.inventory.nodes.keys()].sort();
  const maintenance = adminView(model.admin.events, now).maintenance;
  // Skills are read once per command (they are not part of the repo model).
  let recommendations: Recommendation[] = [];
  try {
    recommendations = (await readStatus(repo)).recommendations;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
  }
  const catalogue = loadSkills(repo);
  const facts = (rec: Recommendation) => factsFor(model, rec);
  const approvable = recommendations.map((rec) => ({
    fingerprint: rec.id,
    node: rec.node,
    skills: matchSkills(rec, catalogue.skills, facts(rec)).map((skill) => skill.id),
  }));
  const notes: Record<string, string[]> = {};
  for (const [fingerprint, note] of recommendationNotes(recommendations, catalogue.skills, model, facts)) {
    notes[fingerprint] = [
      ...(note.runbook ? [describeRunbook(note.runbook)] : []),
      ...(note.diagnosis ? [describeDiagnosis(note.diagnosis)] : []),
    ];
  }
  const pause = remediationPause(model.admin.events);
  return {
    policy: model.policy,
    nodes,
    maintenance,
    states,
    incidents: open,
    silences,
    ...(summary ? { summary } : {}),
    approvable,
    skillProblems: catalogue.problems.length,
    notes,
    ...(pause ? { paused: { actor: pause.actor, at: pause.at, seq: pause.seq } } : {}),
  };
}

/**
 * Only what authorization needs, read before Discord's 3-second deadline: the policy's operators.
 * A policy that does not parse has no operators (as the full repo read treats it): everyone is refused.
 */
export async function readOperators(repo: string): Promise<Policy['operators']> {
  const text = await readRepoFile(repo, 'inventory/policy.yaml');
  const parsed = text === undefined ? undefined : parseSource({ path: 'inventory/policy.yaml', text }, Policy);
  return (parsed?.ok ? parsed.value : Policy.parse({})).operators;
}
