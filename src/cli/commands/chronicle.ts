import { Command } from 'commander';
import { UserError } from '../../errors/problem.js';
import { readDuration } from '../../model/duration.js';
import type { Io } from '../io.js';
import { parseNow, repoDir } from '../options.js';

/** `--since` as an ISO time, or a duration back from --now (`24h`, `7d`). */
function parseSince(value: string, now: () => number): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  const back = readDuration(value);
  if (back !== undefined) return now() - back;
  throw new UserError(
    `--since: expected an ISO time (2026-11-22T00:00:00Z) or a duration (24h, 7d; a bare number is seconds), found "${value}"`,
  );
}

export function chronicleCommand(io: Io): Command {
  return new Command('chronicle')
    .description('show the incident history from chronicle/incidents.jsonl, oldest first')
    .option('--repo <dir>', 'homelab repo', '.')
    .option(
      '--since <when>',
      'only events at or after this ISO time, or within this duration back from --now (24h, 7d)',
    )
    .option('--node <node>', 'only this node')
    .option('--service <service>', 'only this service (name or node/service)')
    .option('--now <iso>', 'reference time for a --since duration (default: the wall clock)')
    .option('--json', 'print the selected lines as JSON Lines')
    .addHelpText(
      'after',
      '\nExamples:\n  labwarden chronicle --since 24h\n  labwarden chronicle --service media/jellyfin',
    )
    .action(
      async (options: {
        repo: string;
        since?: string;
        node?: string;
        service?: string;
        now?: string;
        json?: boolean;
      }) => {
        // The one reader: incidents.jsonl as the repo model parsed and checked it (its line schema).
        const { INCIDENTS_FILE, serializeLine } = await import('../../chronicle/line.js');
        const { buildRepoModel, chronicleFile, readRepoSources } = await import('../../repo/index.js');
        const { filterLines, renderChronicle } = await import('../render-chronicle.js');
        const model = buildRepoModel(await readRepoSources(repoDir(options.repo)));
        const parsed = chronicleFile(model, INCIDENTS_FILE);
        if (parsed.problems.length > 0) {
          throw new UserError(`${INCIDENTS_FILE} has corrupt lines`, {
            problems: parsed.problems,
            hint: 'Repair or remove those lines; reconcile refuses to guess them.',
          });
        }
        if (parsed.partial)
          io.err(
            `warning: ${parsed.partial.problem.file}:${parsed.partial.problem.line}:1 ${parsed.partial.problem.message}`,
          );
        const lines = filterLines(parsed.lines, {
          ...(options.since !== undefined ? { since: parseSince(options.since, () => parseNow(options.now)) } : {}),
          ...(options.node !== undefined ? { node: options.node } : {}),
          ...(options.service !== undefined ? { service: options.service } : {}),
        });
        if (options.json) io.out(lines.map(serializeLine).join('') || '\n');
        else io.out(renderChronicle(lines, io));
      },
    );
}
