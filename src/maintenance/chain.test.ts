import { describe, expect, it } from 'vitest';
import { foldAdminEvents, formatAdminLine, GENESIS, hashLine } from './chain.js';
import { adminLines, type AdminInput } from './homelab.test-helper.js';

const T = (hhmm: string) => `2026-11-22T${hhmm}:00Z`;
const inputs: AdminInput[] = [
  { at: T('09:00'), action: 'cordon', node: 'a', reason: 'ups' },
  { at: T('09:10'), action: 'enter_maintenance', node: 'b', reason: 'disk swap' },
  { at: T('09:20'), action: 'silence', matcher: { node: 'b' }, until: T('12:00') },
  { at: T('09:30'), action: 'ack', fingerprint: 'b/web/unhealthy_service' },
];
const lines = adminLines(inputs);
const text = (ls: string[]) => ls.map((l) => `${l}\n`).join('');

const tampered: { name: string; text: string; seq: number; line: number; kept: number; reason: RegExp }[] = [
  {
    name: 'edited line (reason changed)',
    text: text([lines[0]!, lines[1]!.replace('disk swap', 'nothing to see'), lines[2]!, lines[3]!]),
    seq: 2,
    line: 2,
    kept: 1,
    reason: /seq 2 was edited: seq 3 records a different hash/,
  },
  {
    name: 'edited first line',
    text: text([lines[0]!.replace('"ups"', '"UPS"'), ...lines.slice(1)]),
    seq: 1,
    line: 1,
    kept: 0,
    reason: /seq 1 was edited/,
  },
  {
    name: 'edited seq field',
    text: text([lines[0]!, lines[1]!, lines[2]!.replace('"seq":3', '"seq":7'), lines[3]!]),
    seq: 3,
    line: 3,
    kept: 2,
    reason: /seq 3 expected, found seq 7/,
  },
  {
    name: 'deleted line',
    text: text([lines[0]!, lines[2]!, lines[3]!]),
    seq: 2,
    line: 2,
    kept: 1,
    reason: /seq 2 expected, found seq 3 .*removed/,
  },
  {
    name: 'reordered lines',
    text: text([lines[0]!, lines[2]!, lines[1]!, lines[3]!]),
    seq: 2,
    line: 2,
    kept: 1,
    reason: /reordered/,
  },
  {
    name: 'torn last line (interrupted append)',
    text: `${text(lines.slice(0, 3))}${lines[3]!.slice(0, 20)}`,
    seq: 4,
    line: 4,
    kept: 3,
    reason: /incomplete last line/,
  },
  {
    name: 'garbage line',
    text: text([lines[0]!, 'not json', ...lines.slice(1)]),
    seq: 2,
    line: 2,
    kept: 1,
    reason: /not a JSON object/,
  },
  {
    name: 'unknown action',
    text: text([lines[0]!.replace('"cordon"', '"reboot"')]),
    seq: 1,
    line: 1,
    kept: 0,
    reason: /action/,
  },
];

describe('foldAdminEvents', () => {
  it('verifies an intact chain and keeps every event in seq order', () => {
    const chain = foldAdminEvents(text(lines));
    expect(chain.break).toBeUndefined();
    expect(chain.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(chain.head).toBe(hashLine(lines[3]!));
    expect(JSON.parse(lines[0]!).prev).toBe(GENESIS);
  });

  it('an empty or missing file is an empty chain', () => {
    expect(foldAdminEvents('')).toEqual({ events: [], ignored: 0, head: GENESIS, hashes: [], lines: [] });
  });

  it('writes each event back to the exact bytes it was read from', () => {
    expect(foldAdminEvents(text(lines)).events.map(formatAdminLine)).toEqual(lines);
  });

  it.each(tampered)(
    '$name: stops at the first bad seq and ignores the rest',
    ({ text: input, seq, line, kept, reason }) => {
      const chain = foldAdminEvents(input);
      expect(chain.break).toMatchObject({ seq, line });
      expect(chain.break!.reason).toMatch(reason);
      expect(chain.events).toHaveLength(kept);
      expect(chain.ignored).toBeGreaterThan(0);
      expect(chain.head).toBe(kept === 0 ? GENESIS : hashLine(lines[kept - 1]!));
    },
  );
});
