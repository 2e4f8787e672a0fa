import { Command, CommanderError } from 'commander';
import { renderProblem, UserError, WriteError } from '../errors/problem.js';
import { processIo, type Io } from './io.js';
import { validateCommand } from './commands/validate.js';
import { reconcileCommand } from './commands/reconcile.js';
import { statusCommand } from './commands/status.js';
import { schemaCommand } from './commands/schema.js';
import { observeCommand } from './commands/observe.js';
import { reportDeploymentCommand } from './commands/report-deployment.js';
import { reportIncidentCommand, resolveIncidentCommand } from './commands/report-incident.js';
import { initCommand } from './commands/init.js';
import { addNodeCommand } from './commands/add-node.js';
import { discoverCommand } from './commands/discover.js';
import { maintenanceCommand } from './commands/maintenance.js';
import { silenceCommand, unsilenceCommand } from './commands/silence.js';
import { ackCommand } from './commands/ack.js';
import { chronicleCommand } from './commands/chronicle.js';
import { planCommand } from './commands/plan.js';
import { runCommand } from './commands/run.js';
import { keepaliveCommand } from './commands/keepalive.js';
import { siteCommand } from './commands/site.js';
import { notifyCommand } from './commands/notify.js';
import { botCommand } from './commands/bot.js';
import { watchdogCommand } from './commands/watchdog.js';
import { skillsCommand } from './commands/skills.js';
import { diagnoseCommand } from './commands/diagnose.js';
import { approveCommand } from './commands/approve.js';
import { remediationCommand } from './commands/remediation.js';

export function buildProgram(io: Io): Command {
  const program = new Command('labwarden')
    .description('GitOps supervisor for homelabs: desired state in Git, deterministic reconcile, recommendations')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    // Root options only before the command, so `report-deployment --version V` is the command's.
    .enablePositionalOptions()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .addHelpText(
      'after',
      '\nExamples:\n  labwarden init ~/homelab --nodes nas,pi   # a new homelab repo\n  labwarden reconcile --repo ~/homelab      # compare desired and actual state\n  labwarden <command> --help                # options, defaults and an example',
    );
  for (const command of [
    validateCommand(io),
    reconcileCommand(io),
    statusCommand(io),
    schemaCommand(io),
    observeCommand(io),
    reportDeploymentCommand(io),
    reportIncidentCommand(io),
    resolveIncidentCommand(io),
    initCommand(io),
    discoverCommand(io),
    addNodeCommand(io),
    maintenanceCommand(io),
    silenceCommand(io),
    unsilenceCommand(io),
    ackCommand(io),
    chronicleCommand(io),
    planCommand(io),
    runCommand(io),
    keepaliveCommand(io),
    watchdogCommand(io),
    siteCommand(io),
    notifyCommand(io),
    botCommand(io),
    skillsCommand(io),
    diagnoseCommand(io),
    approveCommand(io),
    remediationCommand(io),
  ]) {
    program.addCommand(
      command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err }).showSuggestionAfterError(true),
    );
  }
  return program;
}

/**
 * The one top-level handler: bad input or usage → 2 with the problems and a hint;
 * anything else is a bug → 1 with a report hint. Returns the exit code.
 */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync(argv, { from: 'user' });
    return io.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // `maintenance` or `site` without a subcommand also shows help, but as a usage error (exitCode 1).
      return (error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help') &&
        error.exitCode === 0
        ? 0
        : 2;
    }
    if (error instanceof UserError) {
      for (const problem of error.problems) io.err(renderProblem(problem));
      io.err(`error: ${error.message}`);
      if (error.hint) io.err(`hint: ${error.hint}`);
      return error.exitCode;
    }
    // The machine refused a write somewhere no writer wrapped it (a lock file, an outbox, a
    // temp): still one line and a hint, not a stack trace and a bug report.
    const write =
      error instanceof WriteError
        ? error
        : WriteError.from(String((error as NodeJS.ErrnoException | undefined)?.path ?? 'a file'), error);
    if (write instanceof WriteError) {
      io.err(`error: ${write.message}`);
      io.err(`hint: ${write.hint}`);
      return 1;
    }
    io.err(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    io.err('hint: this is a bug in labwarden; please report it with the command you ran.');
    return 1;
  }
}
