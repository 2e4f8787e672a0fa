import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
} from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors/problem.js';
import type { ProblemCode } from '../errors/catalogue.js';

/**
 * The one rule for every file labwarden reads or writes in a repo: the path, with every
 * symlink on it followed, stays inside the repository (the real path of its root) and
 * outside `.git/`. A symlink whose target is inside the repo is followed, for reads and for
 * writes alike (a write goes to the target and leaves the link in place); one that leaves
 * the repo, or points into `.git/`, is refused before anything is opened. The repo is
 * untrusted input: a committed `chronicle/incidents.jsonl -> ../.git/config` must never turn
 * the CI token into a chronicle line.
 *
 * Every component is checked with lstat (not just the final realpath), so a dangling link
 * and a link to a path that does not exist yet are judged by where they point.
 */
export class RepoPathError extends UserError {
  readonly code: ProblemCode;
  readonly file: string;
  constructor(code: ProblemCode, file: string, message: string, hint: string) {
    super(`${file}: ${message}`, { hint });
    this.name = 'RepoPathError';
    this.code = code;
    this.file = file;
  }
}

const SYMLINK_HINT =
  'labwarden reads and writes only files inside the repository and outside .git/: replace the symlink with the file itself (`git rm` the link, add the file).';
const NOT_FILE_HINT = 'Remove or rename the entry so the path is a regular file (inside a directory), then run again.';
/** As the kernel: more hops than this is a loop. */
const MAX_LINK_HOPS = 40;

const isInside = (root: string, target: string) =>
  target === root || target.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
const isGit = (root: string, target: string) => {
  const relative = path.relative(root, target);
  return relative === '.git' || relative.startsWith(`.git${path.sep}`);
};

/**
 * A repo (or any root labwarden writes under) opened for checked access. It remembers the
 * directories it resolved, so a reader of thousands of files checks each directory once; make
 * one per operation (nothing is kept between runs).
 */
export class RepoRoot {
  readonly root: string;
  private readonly real: string;
  private readonly dirs = new Map<string, string | null>();

  constructor(root: string) {
    this.root = root;
    try {
      this.real = realpathSync(root);
    } catch {
      // Not created yet (init DIR, schema --out): judged lexically, and nothing under it can be a link.
      this.real = path.resolve(root);
    }
  }

  /**
   * The real path of `relative` (posix or native separators), following in-repo symlinks.
   * Components that do not exist yet are allowed (a file about to be created). Throws a
   * RepoPathError when the path leaves the repo, enters .git/, or passes through a file.
   */
  resolve(relative: string, kind: 'file' | 'dir' = 'file'): string {
    const shown = relative.split(path.sep).join('/');
    const parts = relative.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
    let current = this.real;
    let hops = 0;
    while (parts.length > 0) {
      const part = parts.shift()!;
      if (part === '..') {
        if (current === this.real)
          throw new RepoPathError('symlink_escape', shown, 'the path leaves the repository', SYMLINK_HINT);
        current = path.dirname(current);
        continue;
      }
      const next = path.join(current, part);
      let info;
      try {
        info = lstatSync(next);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        // The rest does not exist: it will be created as plain directories and a file, inside.
        const rest = path.resolve(next, ...parts);
        if (!isInside(this.real, rest))
          throw new RepoPathError('symlink_escape', shown, 'the path leaves the repository', SYMLINK_HINT);
        return this.checkGit(shown, rest);
      }
      if (info.isSymbolicLink()) {
        if (++hops > MAX_LINK_HOPS)
          throw new RepoPathError('symlink_escape', shown, 'too many levels of symlinks', SYMLINK_HINT);
        const link = readlinkSync(next);
        const target = path.resolve(current, link);
        const where = path.relative(this.real, next).split(path.sep).join('/');
        const described = `${where === shown ? 'is a symlink' : `goes through the symlink ${where}`} to ${JSON.stringify(link.length > 200 ? `${link.slice(0, 197)}...` : link)}`;
        if (!isInside(this.real, target))
          throw new RepoPathError('symlink_escape', shown, `${described}, which leaves the repository`, SYMLINK_HINT);
        if (isGit(this.real, target))
          throw new RepoPathError('symlink_escape', shown, `${described}, which points into .git/`, SYMLINK_HINT);
        // Walk the target again from the root: its own components may be links too.
        parts.unshift(...path.relative(this.real, target).split(path.sep).filter(Boolean));
        current = this.real;
        continue;
      }
      if (parts.length > 0 && !info.isDirectory()) {
        throw new RepoPathError(
          'not_a_file',
          path.relative(this.real, next).split(path.sep).join('/'),
          'is a file; expected a directory',
          NOT_FILE_HINT,
        );
      }
      if (parts.length === 0 && kind === 'file' && info.isDirectory())
        throw new RepoPathError('not_a_file', shown, 'is a directory; expected a file', NOT_FILE_HINT);
      if (parts.length === 0 && kind === 'dir' && !info.isDirectory())
        throw new RepoPathError('not_a_file', shown, 'is a file; expected a directory', NOT_FILE_HINT);
      current = next;
    }
    return this.checkGit(shown, current);
  }

  private checkGit(shown: string, target: string): string {
    if (isGit(this.real, target)) throw new RepoPathError('symlink_escape', shown, 'is inside .git/', SYMLINK_HINT);
    return target;
  }

  /** `resolve(dir, 'dir')`, remembered; null when the directory does not exist. */
  dir(relative: string): string | null {
    const key = relative.split(path.sep).join('/').replace(/\/+$/, '') || '.';
    const known = this.dirs.get(key);
    if (known !== undefined) return known;
    const resolved = this.resolveDir(key);
    this.dirs.set(key, resolved);
    return resolved;
  }

  /** One lstat per directory: the parent is already resolved (and remembered). */
  private resolveDir(key: string): string | null {
    if (key === '.') return this.real;
    const slash = key.lastIndexOf('/');
    const base = key.slice(slash + 1);
    if (base === '..' || base === '.') return this.existingDir(this.resolve(key, 'dir'));
    const parent = this.dir(slash < 0 ? '.' : key.slice(0, slash));
    if (parent === null) return null;
    const next = path.join(parent, base);
    let info;
    try {
      info = lstatSync(next);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    // A link takes the full check (where it ends up); a plain directory is inside by construction.
    if (info.isSymbolicLink()) return this.existingDir(this.resolve(key, 'dir'));
    if (!info.isDirectory())
      throw new RepoPathError('not_a_file', key, 'is a file; expected a directory', NOT_FILE_HINT);
    return this.checkGit(key, next);
  }

  private existingDir(resolved: string): string | null {
    try {
      return lstatSync(resolved).isDirectory() ? resolved : null;
    } catch {
      return null;
    }
  }

  /**
   * Reads `relative` as text, or undefined when it does not exist. The common case costs no
   * extra system call: the directory is resolved once, and the file is opened with O_NOFOLLOW,
   * so only a file that is itself a link takes the full check. `maxBytes` refuses a larger
   * file before reading it (RepoPathError `file_too_large`).
   */
  read(relative: string, options: { maxBytes?: number } = {}): string | undefined {
    // readFileSync(fd, 'utf8') is one call into Node's native UTF-8 reader: as fast as by path.
    return this.withFile(relative, options, (fd) => readFileSync(fd, 'utf8'));
  }

  /** `read`, undecoded: an append must keep the bytes already there exactly. */
  readBytes(relative: string, options: { maxBytes?: number } = {}): Buffer | undefined {
    return this.withFile(relative, options, (fd) => readFileSync(fd));
  }

  private withFile<T>(relative: string, options: { maxBytes?: number }, read: (fd: number) => T): T | undefined {
    const shown = relative.split(path.sep).join('/');
    const slash = shown.lastIndexOf('/');
    const dir = this.dir(slash < 0 ? '.' : shown.slice(0, slash));
    if (dir === null) return undefined;
    let fd: number;
    try {
      fd = openNoFollow(path.join(dir, shown.slice(slash + 1)));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      if (code !== 'ELOOP') throw error;
      try {
        fd = openNoFollow(this.resolve(shown));
      } catch (inner) {
        if ((inner as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw inner;
      }
    }
    const notFile = () => new RepoPathError('not_a_file', shown, 'is a directory; expected a file', NOT_FILE_HINT);
    try {
      if (options.maxBytes !== undefined) {
        const info = fstatSync(fd);
        if (info.isDirectory()) throw notFile();
        if (info.size > options.maxBytes) {
          throw new RepoPathError(
            'file_too_large',
            shown,
            `is ${formatBytes(info.size)}; at most ${formatBytes(options.maxBytes)} is read`,
            'A file this large is not what labwarden writes or expects; see the limits in docs/formats.md.',
          );
        }
      }
      return read(fd);
    } catch (error) {
      // A directory opens fine on Linux; reading it is what fails.
      if ((error as NodeJS.ErrnoException).code === 'EISDIR') throw notFile();
      throw error;
    } finally {
      closeSync(fd);
    }
  }
}

// O_NOFOLLOW makes the open fail (ELOOP) when the last component is a link; where the platform
// lacks it, lstat first (a link then takes the full check as well).
function openNoFollow(file: string): number {
  if (constants.O_NOFOLLOW === undefined) {
    if (lstatSync(file).isSymbolicLink()) throw Object.assign(new Error('symlink'), { code: 'ELOOP' });
    return openSync(file, constants.O_RDONLY);
  }
  return openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}

/** The checked real path of `relative` under `repo` (see RepoRoot.resolve). */
export function resolveInRepo(repo: string, relative: string): string {
  return new RepoRoot(repo).resolve(relative);
}

/** Reads `relative` under `repo` through the rule, or undefined when it does not exist. */
export async function readRepoFile(
  repo: string,
  relative: string,
  options: { maxBytes?: number } = {},
): Promise<string | undefined> {
  return new RepoRoot(repo).read(relative, options);
}
