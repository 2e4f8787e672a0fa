import { Command } from 'commander';
import { withAdminOptions, type AdminOptions } from '../admin.js';
import type { Io } from '../io.js';

export function approveCommand(io: Io): Command {
  return withAdminOptions(new Command('approve'))
    .description(
      'approve the remediation of a recommendation: appends an attributed approve_remediation to chronicle/admin.jsonl',
    )
    .argument('<fingerprint>', 'recommendation id as `labwarden status` shows it')
    .option('--skill <id>', 'the skill approved (default: the most specific matching one)')
    .addHelpText(
      'after',
      '\nOnly operators (policy operators.users or remediation.approvers) may approve.\n' +
        'Example:\n  labwarden approve media/jellyfin/unhealthy_service --actor alice --push',
    )
    .action(async (fingerprint: string, options: AdminOptions & { skill?: string }) =>
      (await import('./approve-run.js')).runApprove(io, fingerprint, options),
    );
}
