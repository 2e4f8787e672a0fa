import { Command } from 'commander';
import type { AdminAction } from '../../model/index.js';
import { runAdmin, withAdminOptions, type AdminOptions } from '../admin.js';
import type { Io } from '../io.js';

const VERBS: [string, AdminAction, string][] = [
  ['enter', 'enter_maintenance', 'drain the node and stop alerting on it once its services run elsewhere'],
  ['exit', 'exit_maintenance', 'bring the node back: ExitingMaintenance, then Recovery, then Active'],
  ['drain', 'drain', "move the node's services to their failover targets (same transition as enter)"],
  ['cordon', 'cordon', 'no new placement on the node; what runs there keeps running'],
  ['uncordon', 'uncordon', 'allow placement again; also cancels a drain or maintenance'],
];

export function maintenanceCommand(io: Io): Command {
  const command = new Command('maintenance')
    .description('append a maintenance event for a node to chronicle/admin.jsonl')
    .addHelpText(
      'after',
      '\nExamples:\n  labwarden maintenance enter media --reason "disk swap" --actor alice\n  labwarden maintenance exit media',
    );
  for (const [verb, action, description] of VERBS) {
    command.addCommand(
      withAdminOptions(
        new Command(verb).description(description).argument('<node>', 'node name (a folder in inventory/hosts/)'),
      )
        .addHelpText('after', `\nExample:\n  labwarden maintenance ${verb} media --reason "disk swap" --actor alice`)
        .exitOverride()
        .configureOutput({ writeOut: io.out, writeErr: io.err })
        .action((node: string, options: AdminOptions) => runAdmin(io, options, { action, node })),
    );
  }
  return command;
}
