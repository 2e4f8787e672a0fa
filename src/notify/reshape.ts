import { LIMITS, truncate, type EmbedPayload, type MessagePayload } from './message.js';
import type { SendResult, Sink } from './sinks/sink.js';

/**
 * The forms a message is tried in when Discord refuses its body (400 Invalid Form Body, or any
 * 4xx that is about the payload): the full message, then `plain` (no buttons, every text cut
 * well inside the limits), then `text` (one short plain-text content, no embeds). Each step
 * drops what is most likely to be refused, so an alert still reaches the channel.
 */
export const RESHAPE_STEPS = ['full', 'plain', 'text'] as const;
export type ReshapeStep = (typeof RESHAPE_STEPS)[number];

const NOTE = '(shortened: Discord refused the full message; the dashboard and `labwarden status` have the rest)';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function plain(payload: MessagePayload): MessagePayload {
  const embeds = (Array.isArray(payload.embeds) ? payload.embeds : []).slice(0, LIMITS.embeds);
  // Half the total budget, shared evenly: far from every limit, whatever the original held.
  const share = Math.floor(LIMITS.total / 2 / Math.max(1, embeds.length));
  const reshaped: EmbedPayload[] = embeds.map((embed) => {
    const title = truncate(text(embed?.title), Math.min(200, Math.floor(share / 4)));
    const footer = { text: truncate(text(embed?.footer?.text), 100) };
    const description = truncate(text(embed?.description), Math.max(50, share - title.length - footer.text.length));
    return { title, description, color: typeof embed?.color === 'number' ? embed.color : 0, footer };
  });
  return {
    content: `${truncate(text(payload.content), 1000 - NOTE.length - 1)} ${NOTE}`,
    embeds: reshaped,
    allowed_mentions: { parse: [] },
  };
}

function textOnly(payload: MessagePayload): MessagePayload {
  const lines = [text(payload.content)];
  for (const embed of Array.isArray(payload.embeds) ? payload.embeds : []) {
    lines.push(`**${truncate(text(embed?.title), 120)}**`);
    for (const line of text(embed?.description).split('\n').slice(0, 5)) lines.push(truncate(line, 200));
  }
  const body = truncate(lines.join('\n'), LIMITS.content - NOTE.length - 200);
  return { content: `${body}\n${NOTE}`, embeds: [], allowed_mentions: { parse: [] } };
}

export function reshapePayload(payload: MessagePayload, step: ReshapeStep): MessagePayload {
  if (step === 'plain') return plain(payload);
  if (step === 'text') return textOnly(payload);
  return payload;
}

/**
 * One delivery that does not go through the outbox (the watchdog's alert): the same ladder
 * of forms, tried at once while Discord refuses the body. Returns the last result.
 */
export async function sendReshaped(
  sink: Sink,
  payload: MessagePayload,
  key: string,
): Promise<SendResult & { step: ReshapeStep }> {
  let last: SendResult & { step: ReshapeStep } = { status: 'rejected', reason: 'not sent', step: 'full' };
  for (const step of RESHAPE_STEPS) {
    last = { ...(await sink.send(reshapePayload(payload, step), key)), step };
    if (last.status !== 'rejected' || !last.payload) return last;
  }
  return last;
}
