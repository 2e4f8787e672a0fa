import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * `count` processes (the built dist/fs/lock.js) start at once and each takes the lock (waiting), holds it ~`holdMs` while
 * logging enter/leave with O_APPEND, and releases. Returns the log lines.
 */
export async function contend(file: string, count: number, holdMs: number): Promise<string[]> {
  const log = `${file}.log`;
  const script = `
    import { acquireLock } from ${JSON.stringify(path.join(ROOT, 'dist/fs/lock.js'))};
    import { appendFileSync } from 'node:fs';
    const lock = await acquireLock(${JSON.stringify(file)}, { command: 'contender', waitMs: 120000 });
    appendFileSync(${JSON.stringify(log)}, 'enter ' + process.pid + '\\n');
    await new Promise((r) => setTimeout(r, ${holdMs}));
    appendFileSync(${JSON.stringify(log)}, 'leave ' + process.pid + '\\n');
    await lock.release();`;
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] }),
  );
  const codes = await Promise.all(
    children.map(
      (child) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          let stderr = '';
          child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.on('close', (code) => resolve({ code, stderr })); // 'close': stderr read to its end
        }),
    ),
  );
  expect(codes.filter((entry) => entry.code !== 0)).toEqual([]);
  return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
}

/** Every `enter` is followed by the same pid's `leave` before the next `enter`: one holder at a time. */
export function oneAtATime(lines: string[]): void {
  for (let i = 0; i < lines.length; i += 2) {
    expect(lines[i]).toMatch(/^enter \d+$/);
    expect(lines[i + 1]).toBe(lines[i]!.replace('enter', 'leave'));
  }
}
