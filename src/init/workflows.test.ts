import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  FREE_MINUTES,
  idleMinutesPerMonth,
  KEEPALIVE_CRON,
  renderWorkflows,
  scheduleCron,
  SCHEDULE_CHOICES,
} from './workflows.js';

describe('workflow templates', () => {
  it.each([
    [5, '*/5 * * * *', 8670],
    [10, '*/10 * * * *', 4350],
    [30, '*/30 * * * *', 1470],
    [60, '0 * * * *', 750],
  ])(
    'every %i minutes: cron %s, %i idle billed minutes a month (one job a run + the daily keepalive)',
    (every, cron, minutes) => {
      expect(scheduleCron(every)).toBe(cron);
      expect(idleMinutesPerMonth(every)).toBe(minutes);
    },
  );

  it('the default fits a private repository; the keepalive cron is on no schedule minute', () => {
    expect(idleMinutesPerMonth(30)).toBeLessThan(FREE_MINUTES);
    expect(idleMinutesPerMonth(20)).toBeGreaterThan(FREE_MINUTES);
    for (const every of SCHEDULE_CHOICES) expect(17 % every === 0 && every < 60).toBe(false);
    expect(KEEPALIVE_CRON.split(' ')[0]).toBe('17');
  });

  it('renders the action ref into every uses: of labwarden, and parses as YAML', () => {
    const workflows = renderWorkflows({ action: 'me/labwarden@abc', every: 15, version: '9.9.9' });
    expect([...workflows.keys()]).toEqual(['pages.yml', 'reconcile.yml', 'validate.yml']);
    for (const [name, text] of workflows) {
      expect(() => parse(text), name).not.toThrow();
      expect(text, name).toContain('uses: me/labwarden@abc');
      expect(text, name).toContain('labwarden 9.9.9');
    }
    expect(workflows.get('reconcile.yml')).toContain('- cron: "*/15 * * * *"');
  });
});
