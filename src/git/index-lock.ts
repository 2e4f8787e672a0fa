import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

const isUnder = (file: string, dir: string) => file === dir || file.startsWith(dir + path.sep);

/**
 * Whether a git process is at work in one of `dirs` (its working directory inside one of them),
 * read from /proc. `undefined` where /proc cannot tell (not Linux): the caller stays cautious.
 * A git process whose working directory we may not read (another user's) counts as at work.
 */
export async function gitAtWork(dirs: readonly string[]): Promise<boolean | undefined> {
  const pids = await readdir('/proc').catch(() => undefined);
  if (!pids || !(await readlink('/proc/self/cwd').catch(() => undefined))) return undefined;
  for (const pid of pids) {
    if (!/^\d+$/.test(pid)) continue;
    // comm is readable for every process; git's helpers are git-remote-https, git-upload-pack, ...
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    if (comm !== 'git' && !comm.startsWith('git-')) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch((error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' || error.code === 'ESRCH' ? undefined : null,
    );
    if (cwd === null) return true;
    if (cwd !== undefined && dirs.some((dir) => isUnder(cwd, dir))) return true;
  }
  return false;
}
