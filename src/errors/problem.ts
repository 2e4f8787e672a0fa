import type { ProblemCode } from './catalogue.js';

/** One thing wrong with the input, located in a file (path relative to the repo, 1-based). */
export interface Problem {
  code: ProblemCode;
  file: string;
  line: number;
  col: number;
  message: string;
}

export function renderProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.col} ${problem.message}`;
}

export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

/** Bad input or usage: the CLI exits 2 and prints the problems and the hint. */
export class UserError extends Error {
  readonly problems: Problem[];
  readonly hint: string | undefined;
  /** 2 (bad input or usage) unless the cause is the environment, e.g. an unreachable remote (1). */
  readonly exitCode: number;
  constructor(message: string, options: { problems?: Problem[]; hint?: string; exitCode?: number } = {}) {
    super(message);
    this.name = 'UserError';
    this.problems = options.problems ?? [];
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 2;
  }
}
