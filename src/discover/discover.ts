import { execFile } from 'node:child_process';
import { DISCOVERY_SOURCES, type SourceName } from './sources/index.js';
import type { Candidate, CommandRunner } from './types.js';

export interface Discovery {
  candidates: Candidate[];
  /** Sources that could not run here (tool missing, no permission): said, not fatal. */
  warnings: string[];
}

/**
 * Runs each source's command and parses its output. Candidates are unique by name; the
 * first source to propose a name keeps it.
 */
export async function discoverServices(options: {
  runner: CommandRunner;
  address: string;
  sources: readonly SourceName[];
}): Promise<Discovery> {
  const candidates: Candidate[] = [];
  const warnings: string[] = [];
  const claimedPorts = new Set<number>();
  const names = new Set<string>();
  for (const sourceName of options.sources) {
    const source = DISCOVERY_SOURCES[sourceName];
    const output = await options.runner(source.command.file, source.command.args);
    if (!output.ok) {
      warnings.push(
        `${source.name}: \`${[source.command.file, ...source.command.args].join(' ')}\` failed: ${output.reason}`,
      );
      continue;
    }
    let found: Candidate[];
    try {
      found = source.parse(output.stdout, { address: options.address, claimedPorts, knownNames: names });
    } catch (error) {
      warnings.push(`${source.name}: could not read the output: ${(error as Error).message}`);
      continue;
    }
    for (const candidate of found) {
      if (names.has(candidate.name)) continue;
      names.add(candidate.name);
      candidates.push(candidate);
      for (const port of candidate.ports) claimedPorts.add(port);
    }
  }
  return { candidates, warnings };
}

/** The real runner: no shell, a timeout, and the first line of stderr as the reason. */
export const execRunner: CommandRunner = (file, args) =>
  new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { timeout: 10_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (!error) return resolve({ ok: true, stdout });
        const reason =
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'not installed'
            : String(stderr).trim().split('\n')[0] || error.message;
        resolve({ ok: false, reason });
      },
    );
  });
