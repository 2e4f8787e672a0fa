import type { Command } from 'commander';
import { appendAdminEvent, type AdminRequest } from '../maintenance/append.js';
import type { Io } from './io.js';
import { parseNow, repoDir } from './options.js';

export interface AdminOptions {
  repo: string;
  now?: string;
  reason?: string;
  actor?: string;
}

/** Who runs the command, unless --actor says otherwise. */
export function defaultActor(): string {
  return process.env.LABWARDEN_ACTOR || process.env.USER || process.env.USERNAME || 'cli';
}

export function withAdminOptions(command: Command): Command {
  return command
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--now <iso>', 'time of the event (default: the wall clock)')
    .option('--reason <text>', 'why, for the chronicle and the status page')
    .option('--actor <name>', 'who asks (default: $LABWARDEN_ACTOR or $USER)');
}

/** Appends through the one library function the bot uses too, and prints what happened. */
export async function runAdmin(io: Io, options: AdminOptions, request: Omit<AdminRequest, 'actor' | 'reason'>): Promise<void> {
  const outcome = await appendAdminEvent(
    repoDir(options.repo),
    { ...request, actor: options.actor ?? defaultActor(), ...(options.reason !== undefined ? { reason: options.reason } : {}) },
    { now: parseNow(options.now) },
  );
  io.out(outcome.message);
}

