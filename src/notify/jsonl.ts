import type { Problem } from '../errors/problem.js';
import type { z } from 'zod';

/**
 * Parses one chronicle file: every valid line, and a problem per bad one. A bad line is
 * reported and skipped, never silently merged into the state.
 */
export function parseJsonLines<T>(text: string, file: string, schema: z.ZodType<T>): { lines: T[]; problems: Problem[] } {
  const lines: T[] = [];
  const problems: Problem[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push({ code: 'chronicle_line', file, line: index + 1, col: 1, message: 'not valid JSON' });
      return;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) lines.push(parsed.data);
    else {
      const issue = parsed.error.issues[0];
      problems.push({ code: 'chronicle_line', file, line: index + 1, col: 1, message: `${issue?.path.join('.') || '(line)'}: ${issue?.message ?? 'invalid'}` });
    }
  });
  return { lines, problems };
}
