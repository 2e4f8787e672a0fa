import { mkdtemp, mkdir, writeFile, rm, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(PROJECT_ROOT, 'bin/labwarden.js');
/** Operator events in the demo's chronicle/admin.jsonl (scripts/demo-history.mjs): the next append is this + 1. */
export const DEMO_ADMIN_EVENTS = 6;
/** seq of the demo's newest events: bob's cordon of backup, then alice's maintenance of gateway. */
export const DEMO_CORDON_SEQ = 5;

const made: string[] = [];

/** A temp folder removed by `cleanupRepos` (call it in afterAll/afterEach). */
export async function tempDir(prefix = 'labwarden-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Builds a small homelab repo from `{ 'relative/path': content }` (text or bytes); always has inventory/hosts/. */
export async function makeRepo(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await tempDir();
  await mkdir(path.join(dir, 'inventory/hosts'), { recursive: true });
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(dir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return dir;
}

/** A temp copy of the demo homelab shipped in this repository. */
export async function copyDemo(): Promise<string> {
  const dir = await tempDir();
  for (const part of ['inventory', 'world', 'chronicle', 'status']) {
    await cp(path.join(PROJECT_ROOT, part), path.join(dir, part), { recursive: true }).catch(() => undefined);
  }
  return dir;
}

export async function cleanupRepos(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a child process, as a user would. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: options.cwd ?? PROJECT_ROOT,
        env: { ...process.env, NO_COLOR: '1', ...options.env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
