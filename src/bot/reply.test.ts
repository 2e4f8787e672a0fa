import { describe, expect, it } from 'vitest';
import { fitReply, REPLY_LIMIT } from './reply.js';

describe('fitReply', () => {
  it('leaves a reply within the limit as it is', () => {
    expect(fitReply('media: cordon recorded\nCommitted abc as alice.', { keepLast: true })).toBe(
      'media: cordon recorded\nCommitted abc as alice.',
    );
  });

  it('keeps whole lines while they fit, points to the rest, and keeps the commit line', () => {
    const lines = Array.from({ length: 60 }, (_, index) => `• node-${index}: ${'x'.repeat(40)}`);
    const fitted = fitReply([...lines, 'Committed 0123456789ab as alice.'].join('\n'), { keepLast: true });
    expect(fitted.length).toBeLessThanOrEqual(REPLY_LIMIT);
    expect(fitted.startsWith(`${lines[0]}\n${lines[1]}\n`)).toBe(true);
    expect(fitted).toMatch(
      /x … \(shortened to fit Discord; \/status and the dashboard show the rest\)\nCommitted 0123456789ab as alice\.$/,
    );
  });

  it('cuts one long line without leaving a dangling escape', () => {
    const fitted = fitReply(`${'a\\_'.repeat(1500)}`);
    expect(fitted.length).toBeLessThanOrEqual(REPLY_LIMIT);
    expect(fitted).not.toMatch(/(?<!\\)\\ …/);
    expect(fitted.endsWith('(shortened to fit Discord; /status and the dashboard show the rest)')).toBe(true);
  });
});
