import { WriteError } from '../errors/problem.js';
import { truncate } from 'node:fs/promises';
import { appendWhole } from '../fs/atomic.js';
import { RepoRoot } from '../fs/safe-path.js';
import type { Problem } from '../errors/problem.js';
import type { ChronicleHistory } from './advance.js';
import { IncidentLine, INCIDENTS_FILE, serializeLine, TransitionLine, TRANSITIONS_FILE } from './line.js';
import { parseJsonLines, type ParsedJsonLines } from './parse.js';

export interface LoadedChronicle {
  history: ChronicleHistory;
  /** Corrupt lines in the middle of a file: reconcile refuses to run on them. */
  problems: Problem[];
  /** Interrupted appends to cut off before the next append. */
  repairs: { file: string; keepBytes: number; problem: Problem }[];
  /** Files whose complete last line lacks its newline. */
  missingNewline: Set<string>;
}

/**
 * Interprets the chronicle files read with the repo (pure). `parsed` holds files already
 * parsed with their line schemas (`RepoModel.chronicle`), by path.
 */
export function loadChronicle(files: readonly { path: string; text: string }[], parsed: ReadonlyMap<string, ParsedJsonLines<unknown>> = new Map()): LoadedChronicle {
  const text = (name: string) => files.find((file) => file.path === name)?.text ?? '';
  const incidents = (parsed.get(INCIDENTS_FILE) as ParsedJsonLines<IncidentLine> | undefined) ?? parseJsonLines(INCIDENTS_FILE, text(INCIDENTS_FILE), IncidentLine);
  const transitions = (parsed.get(TRANSITIONS_FILE) as ParsedJsonLines<TransitionLine> | undefined) ?? parseJsonLines(TRANSITIONS_FILE, text(TRANSITIONS_FILE), TransitionLine);
  const repairs: LoadedChronicle['repairs'] = [];
  const missingNewline = new Set<string>();
  for (const [file, parsed] of [[INCIDENTS_FILE, incidents], [TRANSITIONS_FILE, transitions]] as const) {
    if (parsed.partial) repairs.push({ file, ...parsed.partial });
    if (parsed.missingNewline) missingNewline.add(file);
  }
  return {
    history: { incidents: incidents.lines, transitions: transitions.lines },
    problems: [...incidents.problems, ...transitions.problems],
    repairs,
    missingNewline,
  };
}

/** Cuts an interrupted append back to the last complete line, and nothing more. */
export async function repairChronicle(repo: string, repairs: LoadedChronicle['repairs']): Promise<void> {
  const checked = new RepoRoot(repo);
  for (const repair of repairs) {
    await truncate(checked.resolve(repair.file), repair.keepBytes).catch((error: unknown) => {
      throw WriteError.from(repair.file, error);
    });
  }
}

/** Appends whole lines: a crash or kill -9 leaves all of them or none (`appendWhole`). */
export async function appendLines(repo: string, file: string, lines: readonly (IncidentLine | TransitionLine)[], missingNewline: boolean): Promise<void> {
  if (lines.length === 0) return;
  await appendWhole(repo, file, `${missingNewline ? '\n' : ''}${lines.map(serializeLine).join('')}`).catch((error: unknown) => {
    throw WriteError.from(file, error);
  });
}
