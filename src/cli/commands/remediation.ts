import { Command } from 'commander';
import { runAdmin, withAdminOptions, type AdminOptions } from '../admin.js';
import type { Io } from '../io.js';

/** The global kill switch: honoured by every executor before every step. */
export function remediationCommand(io: Io): Command {
  const command = new Command('remediation')
    .description('the remediation kill switch: pause or resume every executor (appends to chronicle/admin.jsonl)')
    .addHelpText(
      'after',
      '\nExamples:\n  labwarden remediation pause --reason "backup running" --actor alice\n' +
        '  labwarden remediation resume --actor alice',
    );
  for (const [verb, action, description] of [
    ['pause', 'pause_remediation', 'stop every remediation: no executor acts until resumed'],
    ['resume', 'resume_remediation', 'allow approved remediations again'],
  ] as const) {
    command.addCommand(
      withAdminOptions(new Command(verb).description(description))
        .addHelpText('after', `\nExample:\n  labwarden remediation ${verb} --actor alice`)
        .exitOverride()
        .configureOutput({ writeOut: io.out, writeErr: io.err })
        .action((options: AdminOptions) => runAdmin(io, options, { action })),
    );
  }
  return command;
}
