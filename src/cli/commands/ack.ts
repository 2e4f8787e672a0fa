import { Command } from 'commander';
import { runAdmin, withAdminOptions, type AdminOptions } from '../admin.js';
import type { Io } from '../io.js';

export function ackCommand(io: Io): Command {
  return withAdminOptions(new Command('ack'))
    .description('acknowledge an incident: no more reminders for it (appends to chronicle/admin.jsonl)')
    .argument('<fingerprint>', 'incident fingerprint, as shown in alerts and on the status page')
    .addHelpText('after', '\nExample:\n  labwarden ack media/jellyfin/unhealthy_service --actor alice')
    .action((fingerprint: string, options: AdminOptions) => runAdmin(io, options, { action: 'ack', fingerprint }));
}
