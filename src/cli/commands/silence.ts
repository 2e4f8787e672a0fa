import { Command } from 'commander';
import { UserError } from '../../errors/problem.js';
import type { AdminRequest } from '../../maintenance/append.js';
import { formatTime } from '../../model/duration.js';
import { runAdmin, withAdminOptions, type AdminOptions } from '../admin.js';
import type { Io } from '../io.js';
import { durationOption, parseNow } from '../options.js';

interface SilenceOptions extends AdminOptions {
  node?: string;
  service?: string;
  fingerprint?: string;
  for?: number;
  until?: string;
}

function matcherOf(options: SilenceOptions): NonNullable<AdminRequest['matcher']> {
  const matcher = {
    ...(options.node !== undefined ? { node: options.node } : {}),
    ...(options.service !== undefined ? { service: options.service } : {}),
    ...(options.fingerprint !== undefined ? { fingerprint: options.fingerprint } : {}),
  };
  if (Object.keys(matcher).length === 0) throw new UserError('a silence needs --node, --service or --fingerprint');
  return matcher;
}

function withMatcher(command: Command): Command {
  return withAdminOptions(command)
    .option('--node <node>', 'silence alerts about this node')
    .option('--service <service>', 'silence alerts about this service (service or node/service)')
    .option('--fingerprint <id>', 'silence alerts about this incident');
}

export function silenceCommand(io: Io): Command {
  return withMatcher(new Command('silence'))
    .description(
      'silence alerts matching a node, a service or an incident until a time, or until the incident resolves (appends to chronicle/admin.jsonl)',
    )
    .addOption(durationOption('--for <duration>', 'how long, e.g. 30m, 2h or 1d', { min: 1 }))
    .option(
      '--until <iso|resolved>',
      'until when, e.g. 2026-11-22T12:00:00Z; `resolved` (with --fingerprint) ends it when that incident resolves',
    )
    .addHelpText(
      'after',
      '\nExample:\n  labwarden silence --node media --for 2h --reason "kernel update"\n  labwarden silence --fingerprint media/jellyfin/unhealthy_service --until resolved',
    )
    .action((options: SilenceOptions) => {
      if ((options.for === undefined) === (options.until === undefined))
        throw new UserError('silence needs exactly one of --for DURATION or --until ISO');
      let until = options.until;
      if (options.for !== undefined) {
        until = formatTime(parseNow(options.now) + options.for);
      } else if (until !== 'resolved' && Number.isNaN(Date.parse(until!))) {
        throw new UserError(`--until: expected an ISO timestamp or "resolved", found "${until}"`);
      }
      return runAdmin(io, options, { action: 'silence', matcher: matcherOf(options), until: until! });
    });
}

export function unsilenceCommand(io: Io): Command {
  return withMatcher(new Command('unsilence'))
    .description('lift the silences with exactly this matcher (appends to chronicle/admin.jsonl)')
    .addHelpText('after', '\nExample:\n  labwarden unsilence --node media')
    .action((options: SilenceOptions) => runAdmin(io, options, { action: 'unsilence', matcher: matcherOf(options) }));
}
