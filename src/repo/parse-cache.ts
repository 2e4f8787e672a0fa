import { hash } from 'node:crypto';

/**
 * Validated values of files, keyed by path and a digest of their bytes: a file whose
 * bytes are unchanged since the last run skips parsing and schema checks. Only files
 * without problems are kept, so every problem is still found and located on each run.
 * Correctness never depends on it: an empty cache is a full run.
 */
export class ParseCache {
  private readonly entries: Map<string, { digest: string; value: unknown }>;
  private readonly used = new Set<string>();
  private changed = false;

  constructor(entries: Iterable<[path: string, digest: string, value: unknown]> = []) {
    this.entries = new Map([...entries].map(([path, digest, value]) => [path, { digest, value }]));
  }

  static digest(text: string): string {
    return hash('sha1', text, 'base64');
  }

  get(path: string, digest: string): unknown {
    const entry = this.entries.get(path);
    if (entry?.digest !== digest) return undefined;
    this.used.add(path);
    return entry.value;
  }

  set(path: string, digest: string, value: unknown): void {
    this.entries.set(path, { digest, value });
    this.used.add(path);
    this.changed = true;
  }

  /** Whether saving would change what is stored: new values, or entries no file used. */
  get dirty(): boolean {
    return this.changed || this.used.size !== this.entries.size;
  }

  /** The entries this run used, sorted by path: what to store for the next run. */
  toEntries(): [string, string, unknown][] {
    return [...this.used].sort().map((path) => [path, this.entries.get(path)!.digest, this.entries.get(path)!.value]);
  }
}
