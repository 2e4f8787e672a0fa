import { describe, expect, it } from 'vitest';
import { renderProblem } from '../errors/problem.js';
import { buildRepoModel } from '../repo/index.js';
import { defaultPolicy, MaintenanceWindow } from '../model/index.js';
import { activeWindow, firstOutside } from './windows.js';

const windows = [
  MaintenanceWindow.parse({ name: 'nightly', cron: '0 2 * * *', duration: '1h', nodes: ['nas'] }),
  MaintenanceWindow.parse({ name: 'sunday', cron: '30 2 * * 0', duration: '2h', nodes: ['nas'] }),
];
const t = (iso: string) => Date.parse(iso);

describe('maintenance windows', () => {
  it.each([
    ['before the nightly window', '2026-11-20T01:59:59Z', undefined],
    ['at its start', '2026-11-20T02:00:00Z', 'nightly'],
    ['inside it', '2026-11-20T02:59:59Z', 'nightly'],
    ['at its end', '2026-11-20T03:00:00Z', undefined],
    ['overlapping on Sunday: the later end wins', '2026-11-22T02:45:00Z', 'sunday'],
  ])('%s', (_, at, expected) => {
    expect(activeWindow(windows, t(at))?.name).toBe(expected);
  });

  it('escalation waits for the first moment outside overlapping windows', () => {
    expect(firstOutside(windows, t('2026-11-22T02:10:00Z'))).toBe(t('2026-11-22T04:30:00Z'));
    expect(firstOutside(windows, t('2026-11-22T12:00:00Z'))).toBe(t('2026-11-22T12:00:00Z'));
  });

  it('policy rejects a bad cron and a window without nodes, with positions', () => {
    const model = buildRepoModel({
      hostDirs: [],
      files: [{ path: 'inventory/policy.yaml', text: 'maintenance_windows:\n  - { cron: "61 * * * *", duration: 1h, nodes: [nas] }\n  - { cron: "0 3 * * 0", duration: 1h }\n' }],
    });
    expect(model.fatal.map(renderProblem)).toEqual([
      'inventory/policy.yaml:2:13 maintenance_windows[0].cron: expected a cron expression such as "0 3 * * 0" (Constraint error, got value 61 expected range 0-59)',
      'inventory/policy.yaml:3:5 maintenance_windows[1]: expected at least one node or label in a maintenance window',
    ]);
    expect(defaultPolicy().maintenance_windows).toEqual([]);
  });
});
