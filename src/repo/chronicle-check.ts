import { z } from 'zod';
import type { Problem } from '../errors/problem.js';
import {
  DiagnosticLine,
  DIAGNOSTICS_FILE,
  RemediationLine,
  REMEDIATIONS_FILE,
  IncidentLine,
  INCIDENTS_FILE,
  NotificationLine,
  NOTIFICATIONS_FILE,
  TransitionLine,
  TRANSITIONS_FILE,
} from '../model/index.js';
import { parseJsonLines, type ParsedJsonLines } from './jsonl.js';

const AnyObject = z.record(z.string(), z.unknown());

/** The line of each chronicle file with a contract; any other chronicle/*.jsonl holds JSON objects. */
export interface ChronicleLines {
  [INCIDENTS_FILE]: IncidentLine;
  [TRANSITIONS_FILE]: TransitionLine;
  [NOTIFICATIONS_FILE]: NotificationLine;
  [DIAGNOSTICS_FILE]: DiagnosticLine;
  [REMEDIATIONS_FILE]: RemediationLine;
}

const SCHEMAS: { [F in keyof ChronicleLines]: z.ZodType<ChronicleLines[F]> } = {
  [INCIDENTS_FILE]: IncidentLine,
  [TRANSITIONS_FILE]: TransitionLine,
  [NOTIFICATIONS_FILE]: NotificationLine,
  [DIAGNOSTICS_FILE]: DiagnosticLine,
  [REMEDIATIONS_FILE]: RemediationLine,
};

/**
 * Checks one chronicle/*.jsonl file: corrupt lines are fatal, a partial last line is repairable.
 * `parsed` is the file read with its line schema, which every reader takes (`chronicleFile`)
 * instead of parsing the file a second time.
 */
export function checkChronicleFile(file: { path: string; text: string }): {
  fatal: Problem[];
  repairable: Problem[];
  parsed: ParsedJsonLines<unknown>;
} {
  const schema: z.ZodType = Object.hasOwn(SCHEMAS, file.path) ? SCHEMAS[file.path as keyof ChronicleLines] : AnyObject;
  const parsed = parseJsonLines(file.path, file.text, schema);
  return { fatal: parsed.problems, repairable: parsed.partial ? [parsed.partial.problem] : [], parsed };
}

/** A chronicle file as the repo model read it, typed by its contract; an absent file has no lines. */
export function chronicleFile<F extends keyof ChronicleLines>(
  model: { chronicle: ReadonlyMap<string, ParsedJsonLines<unknown>> },
  file: F,
): ParsedJsonLines<ChronicleLines[F]> {
  return (
    (model.chronicle.get(file) as ParsedJsonLines<ChronicleLines[F]> | undefined) ?? {
      lines: [],
      problems: [],
      missingNewline: false,
    }
  );
}

/**
 * The model after a writer cut `file`'s interrupted append and appended `lines` (whole lines):
 * what reading the repo again would give, without reading it. Pure; the model is not changed.
 */
export function withAppended<
  M extends { chronicle: ReadonlyMap<string, ParsedJsonLines<unknown>>; problems: Problem[] },
>(model: M, file: keyof ChronicleLines, lines: readonly unknown[]): M {
  const before = model.chronicle.get(file);
  if (lines.length === 0 && !before?.partial) return model;
  const chronicle = new Map(model.chronicle);
  const repaired = before?.partial?.problem;
  chronicle.set(file, {
    lines: [...(before?.lines ?? []), ...lines],
    problems: before?.problems ?? [],
    missingNewline: lines.length === 0 && !!before?.missingNewline,
  });
  return {
    ...model,
    chronicle,
    problems: repaired ? model.problems.filter((problem) => problem !== repaired) : model.problems,
  };
}
