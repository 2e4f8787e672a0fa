import { Command } from 'commander';
import type { Io } from '../io.js';
import type { DiagnoseOptions } from './diagnose-run.js';

export function diagnoseCommand(io: Io, env: Record<string, string | undefined> = process.env): Command {
  return new Command('diagnose')
    .description(
      'run the read-only diagnostics of the skill matching a recommendation on this node; ' +
        'record them in chronicle/diagnostics.jsonl',
    )
    .argument(
      '<fingerprint>',
      'recommendation id as `labwarden status` shows it, e.g. node3/jellyfin/unhealthy_service',
    )
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--now <iso>', 'time recorded on the lines (default: the wall clock)')
    .option('--skill <id>', 'a matching skill other than the most specific one')
    .option('--node <node>', 'the node this machine is: refuses a recommendation of another node')
    .option('--json', 'print the recorded lines as JSON')
    .option('--commit', 'commit chronicle/diagnostics.jsonl')
    .option('--push', 'commit, then push (fetch + rebase + retry on rejection)')
    .addHelpText('after', '\nExample:\n  labwarden diagnose media/jellyfin/unhealthy_service --node media --push')
    .action(async (fingerprint: string, options: DiagnoseOptions) =>
      (await import('./diagnose-run.js')).runDiagnose(io, fingerprint, options, env),
    );
}
