import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AdminEvent } from '../model/index.js';
import { ADMIN_FILE, foldAdminEvents, formatAdminLine, GENESIS } from './chain.js';

/** Same event whatever its place: everything but seq, prev and `at` (a re-append may move `at` later). */
function sameEvent(a: AdminEvent, b: AdminEvent): boolean {
  const strip = (event: AdminEvent) => formatAdminLine({ ...event, seq: 1, prev: GENESIS, at: '1970-01-01T00:00:00Z' });
  return strip(a) === strip(b);
}

/**
 * Where `event` ended up in the repo's chain after a commit (and perhaps a re-append on the
 * remote's tail): the last event like it at or after its time, or undefined if it is not there.
 */
export async function findFinalEvent(repo: string, event: AdminEvent): Promise<AdminEvent | undefined> {
  const text = await readFile(path.join(repo, ADMIN_FILE), 'utf8').catch(() => '');
  const events = foldAdminEvents(text).events;
  for (let index = events.length - 1; index >= 0; index--) {
    const candidate = events[index]!;
    if (sameEvent(candidate, event) && Date.parse(candidate.at) >= Date.parse(event.at)) return candidate;
  }
  return undefined;
}

/**
 * The append's message with the seq the event finally got: `recorded as seq 3` becomes
 * `recorded as seq 5 (re-appended after the remote's events, at …)`, so what is printed is
 * what the remote holds.
 */
export function restateSeq(message: string, original: AdminEvent, final: AdminEvent): string {
  if (final.seq === original.seq && final.at === original.at) return message;
  const moved = `recorded as seq ${final.seq} (re-appended after the remote's events${final.at !== original.at ? `, at ${final.at}` : ''})`;
  return message.replace(`recorded as seq ${original.seq}`, moved);
}
