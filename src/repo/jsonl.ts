import type { z } from 'zod';
import type { Problem } from '../errors/problem.js';
import { fastParser } from '../model/fast-parse.js';
import { LIMITS } from '../model/limits.js';

export interface ParsedJsonLines<T> {
  lines: T[];
  /** Lines in the middle that are not valid: reconcile refuses to guess what they meant. */
  problems: Problem[];
  /** An interrupted append: the last line has no newline and does not parse. Repair keeps `keepBytes`. */
  partial?: { problem: Problem; keepBytes: number };
  /** The last line is complete but lacks its newline: the next append starts with one. */
  missingNewline: boolean;
}

/**
 * Parses a chronicle file. A broken line in the middle is corruption (reported with its
 * line number); an unterminated broken last line is the trace of a crash mid-append,
 * which is safe to drop because appends are whole lines and nothing else follows it.
 */
export function parseJsonLines<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
): ParsedJsonLines<z.output<S>> {
  const validate = fastParser(schema);
  const lines: z.output<S>[] = [];
  const problems: Problem[] = [];
  const segments = text.split('\n');
  const terminated = text.endsWith('\n') || text === '';
  let partial: ParsedJsonLines<unknown>['partial'];
  let missingNewline = false;
  segments.forEach((segment, index) => {
    if (segment.trim() === '') return;
    const last = index === segments.length - 1 && !terminated;
    let value: unknown;
    let error: string | undefined;
    if (segment.length > LIMITS.chronicleLineChars) {
      error = `a line of ${segment.length} characters; at most ${LIMITS.chronicleLineChars}`;
    } else {
      try {
        value = JSON.parse(segment);
      } catch {
        error = 'not JSON';
      }
    }
    if (error === undefined) {
      const result = validate(value);
      if (result.success) {
        lines.push(result.data);
        if (last) missingNewline = true;
        return;
      }
      const issue = result.error.issues[0]!;
      error = `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
    }
    if (last) {
      const keepBytes = Buffer.byteLength(text.slice(0, text.length - segment.length), 'utf8');
      partial = {
        keepBytes,
        problem: {
          code: 'chronicle_partial_line',
          file,
          line: index + 1,
          col: 1,
          message: `incomplete last line (an interrupted append?): ${error}; reconcile truncates it`,
        },
      };
    } else {
      problems.push({ code: 'chronicle_line', file, line: index + 1, col: 1, message: `corrupt line: ${error}` });
    }
  });
  return { lines, problems, ...(partial ? { partial } : {}), missingNewline };
}
