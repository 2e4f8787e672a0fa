import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { RepoRoot } from '../fs/safe-path.js';
import writeFileAtomic from 'write-file-atomic';
import { codeFingerprint } from './code-fingerprint.js';
import { ParseCache } from './parse-cache.js';

/** Git-ignored, like heartbeats: a local speed-up, never part of the repo's history. */
export const PARSE_CACHE_FILE = '.labwarden/cache/parsed.json';
const FORMAT = 1;

/**
 * What the cached values depend on besides the file bytes: the schemas and parsers (the
 * code of src/model and src/repo). Stored as JSON: schema outputs are plain data (strings,
 * numbers, booleans, arrays, objects), and JSON.parse is the fastest loader.
 */
const codeFingerprintOfParsers = () => codeFingerprint(FORMAT, ['model', 'repo']);

/** The cache stored by the last run, or an empty one when it is missing, stale or unreadable. */
export function loadParseCache(repo: string): { cache: ParseCache; fingerprint: string } {
  const fingerprint = codeFingerprintOfParsers();
  try {
    const stored = JSON.parse(new RepoRoot(repo).read(PARSE_CACHE_FILE) ?? 'null') as {
      fingerprint?: unknown;
      entries?: unknown;
    };
    if (stored?.fingerprint !== fingerprint || !Array.isArray(stored.entries))
      return { cache: new ParseCache(), fingerprint };
    const valid = stored.entries.every(
      (entry) =>
        Array.isArray(entry) && entry.length === 3 && typeof entry[0] === 'string' && typeof entry[1] === 'string',
    );
    return { cache: new ParseCache(valid ? (stored.entries as [string, string, unknown][]) : []), fingerprint };
  } catch {
    return { cache: new ParseCache(), fingerprint };
  }
}

/** Stores the cache when it changed. Best effort: a read-only or full disk only costs speed. */
export async function saveParseCache(repo: string, cache: ParseCache, fingerprint: string): Promise<boolean> {
  if (!cache.dirty) return false;
  try {
    // Through the one rule (src/fs/safe-path.ts): a committed .labwarden link must not send the cache outside.
    const file = new RepoRoot(repo).resolve(PARSE_CACHE_FILE);
    await mkdir(path.dirname(file), { recursive: true });
    // No fsync: after a power loss a torn cache is just unreadable, which means a full run.
    await writeFileAtomic(file, JSON.stringify({ fingerprint, entries: cache.toEntries() }), { fsync: false });
    return true;
  } catch {
    return false;
  }
}
