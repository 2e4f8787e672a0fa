import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Where a command writes; passed in so commands never reach for process globals. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  color: boolean;
  /** Set by a command that succeeded but wants a non-zero exit (`--fail-on`). */
  exitCode: number;
}

export function processIo(): Io {
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    color: color || Boolean(process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0'),
    exitCode: 0,
  };
}

export function paint(io: Io, style: Style, text: string): string {
  return io.color ? styleText(style, text) : text;
}
