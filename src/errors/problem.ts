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

/** By file, line, column, then message: the order every list of problems is printed in. */
export function compareProblems(a: Problem, b: Problem): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.col - b.col ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(compareProblems);
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

const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the file system',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
};

/**
 * The machine, not the input or labwarden, stopped a write (disk full, read-only repo):
 * the CLI exits 1 with what happened and a hint, not a bug report. Writes are atomic, so
 * the files already there are the last good state.
 */
export class WriteError extends Error {
  readonly file: string;
  readonly code: string;
  readonly hint =
    'Free some space or make the repo writable, then run again; the files already there were left as they were.';
  constructor(file: string, code: string) {
    super(`cannot write ${file}: ${WRITE_FAILURES[code] ?? code} (${code})`);
    this.name = 'WriteError';
    this.file = file;
    this.code = code;
  }

  /** The error to throw for a failed write of `file`: a WriteError when the cause is the machine. */
  static from(file: string, error: unknown): unknown {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return code && code in WRITE_FAILURES ? new WriteError(file, code) : error;
  }
}
