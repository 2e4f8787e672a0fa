import { describe, expect, it } from 'vitest';
import { progressLine, progressWanted } from './progress.js';

describe('progress display', () => {
  it.each([
    [true, {}, true],
    [true, { CI: 'true' }, false],
    [true, { TERM: 'dumb' }, false],
    [false, {}, false],
    [undefined, {}, false],
  ] as const)('isTTY %s, env %j → %s', (isTTY, env, wanted) => {
    expect(progressWanted({ isTTY }, env)).toBe(wanted);
  });

  it('rewrites one line and clears it', () => {
    const written: string[] = [];
    const line = progressLine((text) => written.push(text), 'probes');
    line.clear();
    line.update(0, 3);
    line.update(3, 3);
    line.clear();
    expect(written).toEqual(['\rprobes 0/3\x1b[K', '\rprobes 3/3\x1b[K', '\r\x1b[K']);
  });
});
