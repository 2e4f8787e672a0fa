import { Command, Option } from 'commander';
import { UserError } from '../../errors/problem.js';
import type { Severity } from '../../model/index.js';
import type { Io } from '../io.js';
import { parseNow, repoDir } from '../options.js';

async function checkId(id: string): Promise<string> {
  const { IncidentId } = await import('../../model/index.js');
  if (!IncidentId.safeParse(id).success)
    throw new UserError(`--id "${id}": expected letters, digits, dots, dashes and underscores`);
  return id;
}

/** For external systems (a UPS daemon, SMART alerts) to put incidents into a node's snapshot. */
export function reportIncidentCommand(io: Io): Command {
  return new Command('report-incident')
    .description("open (or update) an incident in the node's world snapshot")
    .argument('<node>', 'the node it concerns')
    .requiredOption('--id <id>', 'stable id, e.g. ups-battery; reporting the same id again updates it')
    .addOption(
      new Option('--severity <severity>', 'how bad').choices(['info', 'warning', 'critical']).makeOptionMandatory(),
    )
    .requiredOption('--summary <text>', 'one line for humans')
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--now <iso>', 'time it opened (default: the wall clock)')
    .addHelpText(
      'after',
      '\nExample:\n  labwarden report-incident storage --id ups-battery --severity warning --summary "UPS on battery"',
    )
    .action(
      async (
        node: string,
        options: { id: string; severity: Severity; summary: string; repo: string; now?: string },
      ) => {
        const { loadRepo, nodeWorld, openIncident, writeNodeWorld } = await import('../../observer/index.js');
        const now = parseNow(options.now);
        const repo = repoDir(options.repo);
        const { model, files } = await loadRepo(repo);
        const world = nodeWorld(model, files, node);
        const incident = { id: await checkId(options.id), severity: options.severity, summary: options.summary };
        const { snapshot, changed } = openIncident(world.previous, node, incident, now);
        if (changed) await writeNodeWorld(repo, world, snapshot);
        io.out(`${node}: incident ${options.id} ${changed ? 'open' : 'already open, unchanged'} in ${world.file}`);
      },
    );
}

export function resolveIncidentCommand(io: Io): Command {
  return new Command('resolve-incident')
    .description("mark an incident in the node's world snapshot resolved")
    .argument('<node>', 'the node it concerns')
    .requiredOption('--id <id>', 'the id it was reported with')
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--now <iso>', 'time it resolved (default: the wall clock)')
    .addHelpText('after', '\nExample:\n  labwarden resolve-incident storage --id ups-battery')
    .action(async (node: string, options: { id: string; repo: string; now?: string }) => {
      const { loadRepo, nodeWorld, resolveIncident, writeNodeWorld } = await import('../../observer/index.js');
      const now = parseNow(options.now);
      const repo = repoDir(options.repo);
      const { model, files } = await loadRepo(repo);
      const world = nodeWorld(model, files, node);
      const change = resolveIncident(world.previous, await checkId(options.id), now);
      if (!change) {
        const known = world.previous?.incidents.map((incident) => incident.id) ?? [];
        throw new UserError(`${node} has no incident "${options.id}"`, {
          hint:
            known.length > 0 ? `Known ids: ${known.join(', ')}.` : 'Report it first with `labwarden report-incident`.',
        });
      }
      if (change.changed) await writeNodeWorld(repo, world, change.snapshot);
      io.out(
        `${node}: incident ${options.id} ${change.changed ? 'resolved' : 'already resolved, unchanged'} in ${world.file}`,
      );
    });
}
