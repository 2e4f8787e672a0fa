import path from 'node:path';
import { UserError } from '../errors/problem.js';

export function repoDir(value: string | undefined): string {
  return path.resolve(value ?? process.cwd());
}

/** `--now ISO`, or the wall clock: the only place labwarden reads the clock. */
export function parseNow(value: string | undefined): number {
  if (value === undefined) return Date.now();
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new UserError(`--now: expected an ISO timestamp such as 2026-11-22T10:00:00Z, found "${value}"`);
  return ms;
}
