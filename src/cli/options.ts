import path from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { UserError } from '../errors/problem.js';
import { formatDurationExact, readDuration } from '../model/duration.js';

export function repoDir(value: string | undefined): string {
  return path.resolve(value ?? process.cwd());
}

/** `--now ISO`, or the wall clock: the only place labwarden reads the clock. */
export function parseNow(value: string | undefined): number {
  if (value === undefined) return Date.now();
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw new UserError(`--now: expected an ISO timestamp such as 2026-11-22T10:00:00Z, found "${value}"`);
  return ms;
}

export const DURATION_EXPECTED =
  'expected a duration such as 30s, 5m or 1h30m (a bare number is seconds, as in policy.yaml)';

/** A `<duration>` flag's value in milliseconds (commander argument parser): policy.yaml's syntax. */
export function durationArg(value: string): number {
  const ms = readDuration(value);
  if (ms === undefined) throw new InvalidArgumentError(DURATION_EXPECTED);
  return ms;
}

/**
 * A `<duration>` option parsed to milliseconds, its default shown in the syntax it is typed
 * in (`(default: 5s)`, never `5000`, which would read as 83 minutes). `min` excludes shorter.
 */
export function durationOption(
  flags: string,
  description: string,
  options: { default?: number; min?: number } = {},
): Option {
  const option = new Option(flags, description).argParser((value: string) => {
    const ms = durationArg(value);
    if (options.min !== undefined && ms < options.min) {
      throw new InvalidArgumentError(
        options.min <= 1 ? 'expected a duration above zero' : `expected at least ${formatDurationExact(options.min)}`,
      );
    }
    return ms;
  });
  return options.default === undefined ? option : option.default(options.default, formatDurationExact(options.default));
}
