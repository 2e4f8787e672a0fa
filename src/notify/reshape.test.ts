import { describe, expect, it } from 'vitest';
import { LIMITS, type MessagePayload } from './message.js';
import { reshapePayload } from './reshape.js';

const huge = (n: number) => 'x'.repeat(n);
const payload: MessagePayload = {
  content: huge(1990),
  embeds: Array.from({ length: 10 }, (_, index) => ({
    title: `node-${index} ${huge(250)}`,
    description: Array.from({ length: 40 }, (__, line) => `line ${line} ${huge(90)}`).join('\n'),
    color: 1,
    footer: { text: huge(2000) },
  })),
  allowed_mentions: { parse: [] },
  components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Ack', custom_id: 'ack:x' }] }],
};
const total = (message: MessagePayload) =>
  message.embeds.reduce(
    (sum, embed) => sum + embed.title.length + embed.description.length + embed.footer.text.length,
    0,
  );

describe('reshapePayload', () => {
  it('plain: no buttons, every embed kept but well inside every limit', () => {
    const plain = reshapePayload(payload, 'plain');
    expect(plain.components).toBeUndefined();
    expect(plain.embeds).toHaveLength(10);
    expect(plain.embeds[3]!.title.startsWith('node-3 ')).toBe(true);
    expect(total(plain)).toBeLessThanOrEqual(LIMITS.total / 2);
    expect(plain.content.length).toBeLessThanOrEqual(1000);
    expect(plain.content).toMatch(
      /x… \(shortened: Discord refused the full message; the dashboard and `labwarden status` have the rest\)$/,
    );
    expect(plain.allowed_mentions).toEqual({ parse: [] });
  });

  it('text: content only, within 2,000, saying it was shortened', () => {
    const text = reshapePayload(payload, 'text');
    expect(text.embeds).toEqual([]);
    expect(text.components).toBeUndefined();
    expect(text.content.length).toBeLessThanOrEqual(LIMITS.content);
    expect(
      text.content.endsWith(
        '(shortened: Discord refused the full message; the dashboard and `labwarden status` have the rest)',
      ),
    ).toBe(true);
  });

  it('survives a malformed payload from an old log line', () => {
    expect(reshapePayload({} as MessagePayload, 'plain')).toMatchObject({
      embeds: [],
      allowed_mentions: { parse: [] },
    });
    expect(reshapePayload({} as MessagePayload, 'text').content.length).toBeGreaterThan(0);
  });
});
