import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { WriteError } from '../errors/problem.js';
import { RepoRoot } from './safe-path.js';

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
 * Replaces `root/relative` with `content` atomically (temp file + fsync + rename), and only
 * when the bytes differ: an unchanged result touches nothing, so git sees nothing to commit.
 * The path is checked first (src/fs/safe-path.ts): never through a symlink out of `root` or
 * into .git/. Returns whether the file was written.
 */
export async function writeIfChanged(root: string, relative: string, content: string | Buffer): Promise<boolean> {
  const file = new RepoRoot(root).resolve(relative);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  if (sameBytes(file, bytes)) return false;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    // Digits only (see removeStaleTemps); the random part keeps two writes in one millisecond apart.
    await replaceFile(file, `${file}.${process.pid}${Date.now()}${Math.floor(Math.random() * 1e6)}`, bytes);
  } catch (error) {
    throw WriteError.from(relative, error);
  }
  await removeStaleTemps(file);
  return true;
}

/**
 * A process killed (kill -9, power loss) between the temp write and its
 * rename leaves `<file>.<number>` beside the file, which `git add` would commit. After a
 * successful write, remove such leftovers older than this process: a live writer's temp
 * is always newer.
 */
async function removeStaleTemps(file: string): Promise<void> {
  const pattern = new RegExp(`^${path.basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+$`);
  await removeLeftovers(path.dirname(file), (name) => pattern.test(name));
}

/** Removes the files in `dir` that `matches` and that are older than this process: a live writer's are newer. */
async function removeLeftovers(dir: string, matches: (name: string) => boolean): Promise<void> {
  const started = performance.timeOrigin;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter(matches)) {
    const info = await stat(path.join(dir, name)).catch(() => undefined);
    if (info && info.mtimeMs < started) await unlink(path.join(dir, name)).catch(() => undefined);
  }
}

/**
 * Writes `bytes` to `temp`, fsyncs and renames it over `target`; removes the temp on failure.
 * Not write-file-atomic: it makes one write() call and does not check how much was written,
 * so on a nearly full disk a short write (4096 of 6831 bytes) was fsynced and renamed into
 * place, a torn status file (the full-disk reliability test caught it). FileHandle.writeFile
 * loops until every byte is written, so a full disk is an ENOSPC error, never a short file.
 * The temp is `<file>.<digits>`, which `removeStaleTemps` recognises after a kill -9.
 */
async function replaceFile(target: string, temp: string, bytes: Buffer): Promise<void> {
  const mode = await stat(target).then(
    (info) => info.mode & 0o7777,
    () => 0o666,
  );
  try {
    const handle = await open(temp, 'w', mode);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Where `appendWhole` builds its files: in the repo (same file system), git-ignored, outside chronicle/. */
const APPEND_TEMP_DIR = '.labwarden/tmp';

/**
 * Appends `text` (whole lines) to `repo/file` so that a crash, kill -9 included, leaves the
 * file with all of it or none of it. A plain append cannot promise that: Linux ends a write
 * early at a page boundary when SIGKILL arrives, which leaves half a line. So the file's
 * bytes and `text` are written to a temp file, fsynced and renamed over the file, whose
 * bytes are then exactly those of an append. The temp lives under `.labwarden/tmp/`, so a
 * killed run leaves nothing in chronicle/ (the next append removes it).
 */
export async function appendWhole(repo: string, file: string, text: string): Promise<void> {
  // Checked before anything is read: a link out of the repo (or into .git/) is refused, so
  // no outside byte can reach the chronicle and nothing outside is replaced.
  const checked = new RepoRoot(repo);
  const target = checked.resolve(file);
  const dir = checked.resolve(APPEND_TEMP_DIR, 'dir');
  try {
    const existing = checked.readBytes(file) ?? Buffer.alloc(0);
    await mkdir(dir, { recursive: true });
    await mkdir(path.dirname(target), { recursive: true });
    const prefix = `${path.basename(file)}.`;
    await removeLeftovers(dir, (name) => name.startsWith(prefix));
    await replaceFile(
      target,
      path.join(dir, `${prefix}${process.pid}.${Date.now()}`),
      Buffer.concat([existing, Buffer.from(text, 'utf8')]),
    );
  } catch (error) {
    throw WriteError.from(file, error);
  }
}
