import { describe, expect, it } from 'vitest';
import { AdminEvent, parseJsonLines } from './chronicle.js';
import { normalizeState, readAdminLog } from './maintenance.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const log = (...lines: object[]) => parseJsonLines(lines.map((line) => JSON.stringify(line)).join('\n'), AdminEvent).entries;
const at = '2026-11-21T12:00:00Z';

describe('readAdminLog', () => {
  it.each([
    ['enter', [{ action: 'enter', node: 'n1' }], 'EnteringMaintenance'],
    ['enter then exit', [{ action: 'enter', node: 'n1' }, { action: 'exit', node: 'n1' }], 'ExitingMaintenance'],
    ['cordon', [{ action: 'cordon', node: 'n1' }], 'Cordoned'],
    ['cordon then uncordon', [{ action: 'cordon', node: 'n1' }, { action: 'uncordon', node: 'n1' }], undefined],
    ['maintenance_enter spelled long', [{ action: 'maintenance_enter', node: 'n1' }], 'EnteringMaintenance'],
  ])('%s', (_name, actions, expected) => {
    const view = readAdminLog(log(...actions.map((a) => ({ at, actor: 'alice', reason: '', ...a }))), NOW);
    expect(view.states.get('n1')?.state).toBe(expected);
  });

  it('keeps silences until they expire', () => {
    const view = readAdminLog(log({ at, action: 'silence', node: 'n1', until: '2026-11-23T00:00:00Z' }, { at, action: 'silence', node: 'n2', until: '2026-11-22T00:00:00Z' }), NOW);
    expect(view.silences.map((s) => s.node)).toEqual(['n1']);
  });

  it('keeps a silence until: resolved while its incident is open', () => {
    const events = log({ at, action: 'silence', node: 'n1', until: 'resolved', matcher: { fingerprint: 'n1/web/unhealthy_service' } });
    expect(readAdminLog(events, NOW, (fp) => fp === 'n1/web/unhealthy_service').silences.map((s) => s.until)).toEqual(['resolved']);
    expect(readAdminLog(events, NOW, () => false).silences).toEqual([]);
  });
});

describe('parseJsonLines', () => {
  it('counts lines it cannot use instead of failing', () => {
    const parsed = parseJsonLines(`${JSON.stringify({ at, action: 'enter' })}\nnot json\n{"action":"x"}\n\n`, AdminEvent);
    expect(parsed.entries).toHaveLength(1);
    expect(parsed.skipped).toBe(2);
  });
});

it.each([
  ['maintenance', 'Maintenance'],
  ['entering_maintenance', 'EnteringMaintenance'],
  ['drain-failed', 'DrainFailed'],
  ['bogus', null],
  [3, null],
])('normalizeState(%j)', (value, expected) => {
  expect(normalizeState(value)).toBe(expected);
});
