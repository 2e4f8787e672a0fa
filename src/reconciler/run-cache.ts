import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { RepoRoot } from '../fs/safe-path.js';
import type { Problem } from '../errors/problem.js';
import { codeFingerprint } from '../repo/code-fingerprint.js';
import { ParseCache } from '../repo/parse-cache.js';
import type { RepoSources } from '../repo/index.js';
import { STATUS_SOURCE } from '../repo/status-source.js';

/**
 * The run shortcut: what the last reconcile concluded, keyed by a digest of everything it
 * read, and the span of `now` over which that conclusion holds. Git-ignored, like the parse
 * cache; correctness never depends on it (missing, corrupt or stale: a full run).
 */
export const RUN_CACHE_FILE = '.labwarden/cache/run.json';
const FORMAT = 2;
/** Every folder whose code decides the outputs of a run. */
const CODE = ['model', 'repo', 'reconciler', 'chronicle', 'maintenance', 'errors'] as const;

export interface RunRecord {
  /** `runFingerprint` of the inputs. */
  fingerprint: string;
  /** The outputs are these for every `now` with from <= now < until (ms). */
  from: number;
  until: number;
  /** Digests of status/recommendations.json and status/insights.json as written. */
  status: string;
  insights: string;
  /** The run's warnings (world snapshot problems), as `runReconcile` returns them. */
  warnings: Problem[];
}

export function textDigest(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/**
 * `ParseCache.digest` of every file, by path: computed once, for both the run fingerprint and
 * the parse cache, so a cold run hashes each file's text once.
 */
export function fileDigests(sources: RepoSources): Map<string, string> {
  return new Map(
    sources.files
      .filter((file) => file.path !== STATUS_SOURCE)
      .map((file) => [file.path, ParseCache.digest(file.text)]),
  );
}

/**
 * A digest of every input of a run: the code, the host folders, every file read (path and
 * the digest of its text, `digests` from `fileDigests`) and the heartbeat branches fetched.
 * Paths and digests never contain a NUL, so no two different inputs run together.
 */
export function runFingerprint(
  sources: RepoSources,
  remoteHeartbeats: ReadonlyMap<string, number> | undefined,
  digests: ReadonlyMap<string, string> = fileDigests(sources),
): string {
  const hash = createHash('sha1').update(codeFingerprint(FORMAT, CODE)).update('\0');
  hash.update(JSON.stringify([...sources.hostDirs].sort()));
  // One update for all files: thousands of small updates cost more than the hashing.
  // status/ is read only for its admin_head witness, and it is not a key: the shortcut is taken
  // only while status/ still holds the stored result, whose admin_head a full run would find
  // and keep. Keyed on it, every run that rewrote status/ would make the next one a full run.
  const paths = sources.files
    .map((file) => file.path)
    .filter((path) => path !== STATUS_SOURCE)
    .sort();
  hash.update(paths.map((path) => `\0${path}\0${digests.get(path) ?? ''}`).join(''));
  // What the reader found beside the files (an unknown file in a node folder, a bad byte, a
  // node without services.yaml) is an input too: it must be reported on every run.
  hash.update(`\0found\0${JSON.stringify([sources.problems ?? [], sources.warnings ?? []])}`);
  hash.update(
    `\0remote\0${JSON.stringify(remoteHeartbeats ? [...remoteHeartbeats].sort(([a], [b]) => (a < b ? -1 : 1)) : null)}`,
  );
  return hash.digest('base64');
}

/** The stored record when its inputs are these and `now` lies within its span. */
export function loadRunRecord(repo: string, fingerprint: string, now: number): RunRecord | undefined {
  try {
    const stored = JSON.parse(new RepoRoot(repo).read(RUN_CACHE_FILE) ?? 'null') as Partial<RunRecord> | null;
    if (stored?.fingerprint !== fingerprint || typeof stored.from !== 'number' || typeof stored.until !== 'number')
      return undefined;
    if (!(stored.from <= now && now < stored.until)) return undefined;
    if (typeof stored.status !== 'string' || typeof stored.insights !== 'string' || !Array.isArray(stored.warnings))
      return undefined;
    return stored as RunRecord;
  } catch {
    return undefined;
  }
}

/** Best effort, like the parse cache: a read-only or full disk only costs speed. */
export async function saveRunRecord(repo: string, record: RunRecord): Promise<boolean> {
  try {
    // Through the one rule (src/fs/safe-path.ts): a committed .labwarden link must not send the cache outside.
    const file = new RepoRoot(repo).resolve(RUN_CACHE_FILE);
    await mkdir(path.dirname(file), { recursive: true });
    // Loaded here, not at the top: a run that takes the shortcut writes nothing.
    const { default: writeFileAtomic } = await import('write-file-atomic');
    // JSON has no Infinity: an unbounded span is stored as the largest safe time.
    await writeFileAtomic(
      file,
      JSON.stringify({ ...record, until: Number.isFinite(record.until) ? record.until : Number.MAX_SAFE_INTEGER }),
      { fsync: false },
    );
    return true;
  } catch {
    return false;
  }
}
