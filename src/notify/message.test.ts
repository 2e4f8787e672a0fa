import { describe, expect, it } from 'vitest';
import { defaultPolicy, Policy } from '../model/index.js';
import { fingerprintRef, resolveFingerprint } from './fingerprint-ref.js';
import { approveButtonId, escapeText, LIMITS, renderMessage } from './message.js';
import type { NotifyItem } from './plan.js';

const HUGE = 'x'.repeat(5000);
function item(overrides: Partial<NotifyItem>): NotifyItem {
  return {
    kind: 'opened',
    fingerprint: 'media/jellyfin/unhealthy_service',
    node: 'media',
    service: 'jellyfin',
    drift: 'unhealthy_service',
    severity: 'warning',
    key: 'k',
    ...overrides,
  };
}
function totalChars(payload: ReturnType<typeof renderMessage>): number {
  return payload.embeds.reduce(
    (sum, embed) => sum + embed.title.length + embed.description.length + embed.footer.text.length,
    0,
  );
}

describe('escapeText', () => {
  it.each([
    ['@everyone', '@\u200beveryone'],
    ['<@&123> hi', '\\<@\u200b&123\\> hi'],
    [
      '**bold** _it_ `code` ~~s~~ ||spoiler||',
      '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\|\\|spoiler\\|\\|',
    ],
    ['[link](https://evil.example)', '\\[link\\]\\(https\\://evil.example\\)'],
    ['# heading\n> quote', '\\# heading \\> quote'],
  ])('%j → %j', (input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });
});

describe('renderMessage', () => {
  it('keeps hostile, huge text safe and within Discord limits', () => {
    const hostile = `@everyone **pwn** [x](https://evil) ${HUGE}`;
    const items = Array.from({ length: 40 }, (_, index) =>
      item({
        node: `${index % 12 === 0 ? hostile : `n${index % 12}`}`,
        service: hostile,
        reason: hostile,
        fingerprint: `f${index}`,
        key: `k${index}`,
      }),
    );
    const note = { runbook: hostile, diagnosed: hostile, approve: 'a'.repeat(63) };
    const payload = renderMessage(items, {
      key: 'n123',
      policy: Policy.parse({ dashboard_url: 'javascript:alert(1)' }),
      inhibitedDependents: 3,
      buttons: true,
      notes: new Map(items.map((entry) => [entry.fingerprint, note])),
    });
    expect(payload.allowed_mentions).toEqual({ parse: [] });
    expect(payload.embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
    expect(totalChars(payload)).toBeLessThanOrEqual(LIMITS.total);
    for (const embed of payload.embeds) {
      expect(embed.title.length).toBeLessThanOrEqual(LIMITS.title);
      expect(embed.description.length).toBeLessThanOrEqual(LIMITS.description);
      expect(embed.url).toBeUndefined();
    }
    const text = JSON.stringify(payload);
    expect(text).not.toMatch(/(?<!\\)@everyone/);
    expect(text).not.toContain('@everyone');
    expect(text).not.toMatch(/(?<!\\)\[x\]/);
    expect(payload.content.length).toBeLessThanOrEqual(LIMITS.content);
    expect(payload.embeds.at(-1)!.title).toBe('…and 3 more nodes');
    for (const row of payload.components ?? [])
      for (const button of row.components) expect((button.custom_id ?? '').length).toBeLessThanOrEqual(LIMITS.customId);
  });

  it('groups by node and colours by the worst severity; resolved-only is green', () => {
    const payload = renderMessage(
      [
        item({ severity: 'critical' }),
        item({ fingerprint: 'media/sonarr/unhealthy_service', service: 'sonarr' }),
        item({
          node: 'pi',
          kind: 'resolved',
          fingerprint: 'pi/offline_node',
          service: undefined,
          drift: 'offline_node',
        }),
      ],
      { key: 'n1', policy: defaultPolicy() },
    );
    expect(payload.embeds.map((embed) => [embed.title, embed.color])).toEqual([
      ['media: 2 alerts', 0xe74c3c],
      ['pi: 1 alert', 0x2ecc71],
    ]);
    expect(payload.content).toBe('labwarden: 2 active, 1 cleared');
  });

  it.each([60, 90, 92, 145])(
    'buttons for a %i-character fingerprint fit in 100 characters and name it (or its reference)',
    (length) => {
      const fingerprint = `${'n'.repeat(length - 'svc/unhealthy_service'.length - 1)}/svc/unhealthy_service`;
      const payload = renderMessage([item({ fingerprint })], { key: 'n1', policy: defaultPolicy(), buttons: true });
      const ids = payload.components![0]!.components.map((button) => button.custom_id!);
      expect(ids.map((id) => id.length <= LIMITS.customId)).toEqual([true, true]);
      expect(
        ids.map((id) => resolveFingerprint(id.slice(id.indexOf(':') + 1), [{ fingerprint }])?.fingerprint),
      ).toEqual([fingerprint, fingerprint]);
      expect(ids[0]).toBe(length + 4 <= LIMITS.customId ? `ack:${fingerprint}` : `ack:${fingerprintRef(fingerprint)}`);
    },
  );

  it.each([60, 92, 145])(
    'the Approve button for a %i-character fingerprint and a 63-character skill fits, naming both',
    (length) => {
      const fingerprint = `${'n'.repeat(length - 'svc/unhealthy_service'.length - 1)}/svc/unhealthy_service`;
      const skill = `s${'k'.repeat(61)}l`;
      const payload = renderMessage([item({ fingerprint })], {
        key: 'n1',
        policy: defaultPolicy(),
        buttons: true,
        notes: new Map([[fingerprint, { runbook: 'Unit failed; next: restart', approve: skill }]]),
      });
      const approve = payload.components![0]!.components[2]!;
      expect(approve).toMatchObject({ style: 3, label: `Approve ${skill}` });
      expect(approve.custom_id!.length).toBeLessThanOrEqual(LIMITS.customId);
      expect(approve.custom_id).toBe(approveButtonId(skill, fingerprint));
      const [verb, named, ...rest] = approve.custom_id!.split(':');
      expect([verb, named, resolveFingerprint(rest.join(':'), [{ fingerprint }])?.fingerprint]).toEqual([
        'approve',
        skill,
        fingerprint,
      ]);
      expect(payload.embeds[0]!.description.split('\n')[1]).toBe('  ↳ Unit failed; next\\: restart');
    },
  );

  it('no runbook under a resolved item, and no Approve button without an approval-required skill', () => {
    const notes = new Map([['media/jellyfin/unhealthy_service', { runbook: 'Unit failed; next: restart' }]]);
    const resolved = renderMessage([item({ kind: 'resolved' })], { key: 'n1', policy: defaultPolicy(), notes });
    expect(resolved.embeds[0]!.description).not.toContain('runbook');
    const open = renderMessage([item({})], { key: 'n1', policy: defaultPolicy(), buttons: true, notes });
    expect(open.components![0]!.components.map((button) => button.label)).toEqual([
      'Ack media/jellyfin/unhealthy_service',
      'Silence 1h',
    ]);
  });
});
