import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as jsYaml from 'js-yaml';
import { generateHomelabFiles, type HomelabOptions } from '../../bench/generate.js';
import type { Io } from '../../src/cli/io.js';

/** A generated homelab with every kind of file: YAML and JSON snapshots, a heartbeat, a chronicle. */
export function mixedHomelab(options: HomelabOptions): Record<string, string> {
  const files = generateHomelabFiles(options);
  const yamlSnapshots = Object.keys(files)
    .filter((file) => file.startsWith('world/nodes/'))
    .sort();
  const asJson = yamlSnapshots[0];
  if (asJson) {
    files[asJson.replace(/\.yaml$/, '.json')] = `${JSON.stringify(jsYaml.load(files[asJson]!), null, 2)}\n`;
    delete files[asJson];
  }
  files['.labwarden/heartbeats/node-0001.json'] = '{"node":"node-0001","seen_at":"2026-11-22T10:04:00Z"}\n';
  return files;
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [relative, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
    await writeFile(path.join(dir, relative), text);
  }
}

/** An Io that keeps what a command printed. */
export function captureIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    color: false,
    exitCode: 0,
  };
}

/** `file:line:col message` lines, as every located problem is printed. */
export const LOCATED = /^(?:warning: )?((?:inventory|world|chronicle|\.labwarden)\/[^:\s]+):(\d+):(\d+) \S/;
