import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { WriteError } from '../errors/problem.js';

/** Reads a file, or undefined when it does not exist. */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Whether `file` holds exactly `bytes`. A size that differs answers without reading, and the
 * bytes are compared undecoded: status files are megabytes at a few thousand nodes.
 */
export function sameBytes(file: string, bytes: Buffer): boolean {
  try {
    return statSync(file).size === bytes.length && readFileSync(file).equals(bytes);
  } catch {
    return false;
  }
}

/**
 * Replaces `file` with `content` atomically (temp file + fsync + rename), and only when the
 * bytes differ: an unchanged result touches nothing, so git sees nothing to commit.
 * Returns whether the file was written.
 */
export async function writeIfChanged(file: string, content: string | Buffer): Promise<boolean> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  if (sameBytes(file, bytes)) return false;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, bytes);
  } catch (error) {
    throw WriteError.from(file, error);
  }
  await removeStaleTemps(file);
  return true;
}

/**
 * A process killed (kill -9, power loss) between write-file-atomic's temp write and its
 * rename leaves `<file>.<number>` beside the file, which `git add` would commit. After a
 * successful write, remove such leftovers older than this process: a live writer's temp
 * is always newer.
 */
async function removeStaleTemps(file: string): Promise<void> {
  const dir = path.dirname(file);
  const pattern = new RegExp(`^${path.basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+$`);
  const started = performance.timeOrigin;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => pattern.test(n))) {
    const info = await stat(path.join(dir, name)).catch(() => undefined);
    if (info && info.mtimeMs < started) await unlink(path.join(dir, name)).catch(() => undefined);
  }
}
