import { z } from 'zod';
import type { Problem } from '../errors/problem.js';
import { IncidentLine, INCIDENTS_FILE, TransitionLine, TRANSITIONS_FILE } from './line.js';
import { parseJsonLines, type ParsedJsonLines } from './parse.js';

const AnyObject = z.record(z.string(), z.unknown());

const SCHEMAS: Record<string, z.ZodType> = { [INCIDENTS_FILE]: IncidentLine, [TRANSITIONS_FILE]: TransitionLine };

/**
 * Checks one chronicle/*.jsonl file: corrupt lines are fatal, a partial last line is repairable.
 * `parsed` is the file read with its line schema, which `loadChronicle` takes instead of
 * parsing the file a second time.
 */
export function checkChronicleFile(file: { path: string; text: string }): { fatal: Problem[]; repairable: Problem[]; parsed: ParsedJsonLines<unknown> } {
  const parsed = parseJsonLines(file.path, file.text, SCHEMAS[file.path] ?? AnyObject);
  return { fatal: parsed.problems, repairable: parsed.partial ? [parsed.partial.problem] : [], parsed };
}
