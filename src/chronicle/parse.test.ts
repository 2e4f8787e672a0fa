import { describe, expect, it } from 'vitest';
import { IncidentLine, serializeLine } from './line.js';
import { parseJsonLines } from './parse.js';
import { flappingPercent, stableAt } from './flapping.js';

const line = (n: number): IncidentLine => ({
  id: `id${n}`,
  at: `2026-11-22T10:0${n}:00Z`,
  event: 'opened',
  fingerprint: `media/s${n}/unhealthy_service`,
  node: 'media',
  service: `s${n}`,
  drift: 'unhealthy_service',
  severity: 'warning',
  recommendation: 'reconcile_required',
  action: 'redeploy',
  reason: 'status failed',
});
const good = [1, 2, 3].map((n) => serializeLine(line(n))).join('');

describe('parseJsonLines', () => {
  it('reads whole lines', () => {
    const parsed = parseJsonLines('chronicle/incidents.jsonl', good, IncidentLine);
    expect(parsed.lines.map((l) => l.id)).toEqual(['id1', 'id2', 'id3']);
    expect(parsed.problems).toEqual([]);
    expect(parsed.partial).toBeUndefined();
  });

  it('a truncated last line is repairable: keep everything before it', () => {
    const text = `${good}{"id":"id4","at":"2026-11-22T1`;
    const parsed = parseJsonLines('chronicle/incidents.jsonl', text, IncidentLine);
    expect(parsed.lines).toHaveLength(3);
    expect(parsed.problems).toEqual([]);
    expect(parsed.partial).toEqual({
      keepBytes: Buffer.byteLength(good),
      problem: { code: 'chronicle_partial_line', file: 'chronicle/incidents.jsonl', line: 4, col: 1, message: 'incomplete last line (an interrupted append?): not JSON; reconcile truncates it' },
    });
  });

  it('a line over the limit is not parsed: a corrupt line, reported with its length', () => {
    const huge = serializeLine({ ...line(4), reason: 'x'.repeat(70_000) });
    const parsed = parseJsonLines('chronicle/incidents.jsonl', `${huge}${good}`, IncidentLine);
    expect(parsed.lines).toHaveLength(3);
    expect(parsed.problems).toEqual([
      { code: 'chronicle_line', file: 'chronicle/incidents.jsonl', line: 1, col: 1, message: `corrupt line: a line of ${huge.length - 1} characters; at most 65536` },
    ]);
  });

  it('a complete last line without its newline is kept', () => {
    const parsed = parseJsonLines('chronicle/incidents.jsonl', good.slice(0, -1), IncidentLine);
    expect(parsed.lines).toHaveLength(3);
    expect(parsed.missingNewline).toBe(true);
  });

  it.each([
    ['not JSON', 'garbage\n', 'corrupt line: not JSON'],
    ['not an incident line', '{"id":"x"}\n', 'corrupt line: at: '],
    ['an unknown event', `${serializeLine(line(9)).replace('"opened"', '"reopened"')}`, 'corrupt line: event: '],
  ])('a corrupt line in the middle (%s) is reported with its line number', (_, bad, message) => {
    const lines = good.split('\n');
    const text = `${lines[0]}\n${bad}${lines.slice(1).join('\n')}`;
    const parsed = parseJsonLines('chronicle/incidents.jsonl', text, IncidentLine);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatchObject({ code: 'chronicle_line', line: 2 });
    expect(parsed.problems[0]!.message.startsWith(message)).toBe(true);
  });
});

describe('flappingPercent', () => {
  const sample = 300_000;
  it.each([
    ['no changes', [], 0],
    ['every sample changed', Array.from({ length: 20 }, (_, i) => i * sample), 100],
    ['only the newest sample', [19 * sample], (100 * 1.15) / 19.5],
    ['only the oldest sample', [0], (100 * 0.8) / 19.5],
    ['two changes in one sample count once', [19 * sample, 19 * sample + 1], (100 * 1.15) / 19.5],
  ])('%s', (_, changes, expected) => {
    expect(flappingPercent(changes, 19 * sample + 1, sample)).toBeCloseTo(expected, 6);
  });

  it('stable time is the first sample boundary below the low threshold', () => {
    const changes = Array.from({ length: 8 }, (_, i) => i * sample);
    const at = stableAt(changes, sample, 25);
    expect(flappingPercent(changes, at, sample)).toBeLessThan(25);
    expect(flappingPercent(changes, at - sample, sample)).toBeGreaterThanOrEqual(25);
  });
});
