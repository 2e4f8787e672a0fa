import { mkdir, open, rm, stat } from 'node:fs/promises';
import path from 'node:path';

const STALE_MS = 30_000;
const WAIT_MS = 10_000;

/**
 * Runs `work` holding an exclusive lock file (O_EXCL create), so the CLI and the bot on one
 * machine never append the same seq twice. A lock older than 30s is from a crashed process.
 */
export async function withLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  await mkdir(path.dirname(file), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const info = await stat(file).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_MS) {
        await rm(file, { force: true });
        continue;
      }
      if (Date.now() - started > WAIT_MS) throw new Error(`could not take ${file} within ${WAIT_MS / 1000}s (another append is running)`);
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
    }
  }
  try {
    return await work();
  } finally {
    await rm(file, { force: true });
  }
}
