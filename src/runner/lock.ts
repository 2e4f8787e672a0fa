import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors/problem.js';

export interface Lock {
  file: string;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A single-instance lock: the file is created exclusively and holds the owner's pid. A lock
 * whose pid is gone (kill -9, power loss) is stale and taken over.
 */
export async function acquireLock(file: string, pid = process.pid): Promise<Lock> {
  await mkdir(path.dirname(file), { recursive: true });
  for (let tries = 0; tries < 3; tries++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${pid}\n`);
      await handle.close();
      return {
        file,
        async release() {
          const owner = await readFile(file, 'utf8').catch(() => '');
          if (Number(owner.trim()) === pid) await unlink(file).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new UserError(`another labwarden run holds ${file} (pid ${owner})`, {
          hint: 'Only one runner per clone: stop the other one, or remove the file if that pid is not labwarden.',
        });
      }
      await unlink(file).catch(() => undefined);
    }
  }
  throw new UserError(`could not take ${file}`, { hint: 'Another runner keeps taking it; stop the others.' });
}
