import { mkdir, readFile } from 'node:fs/promises';
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
 * Replaces `file` with `content` atomically (temp file + fsync + rename), and only when the
 * bytes differ: an unchanged result touches nothing, so git sees nothing to commit.
 * Returns whether the file was written.
 */
export async function writeIfChanged(file: string, content: string): Promise<boolean> {
  if ((await readIfExists(file)) === content) return false;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, content, { encoding: 'utf8' });
  } catch (error) {
    throw WriteError.from(file, error);
  }
  return true;
}
