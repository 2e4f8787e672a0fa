import { renderText, type MessagePayload } from '../message.js';
import type { SendResult, Sink } from './sink.js';

/** Prints the message: the sink when no Discord is configured, and what `--dry-run` shows. */
export function consoleSink(options: { write: (text: string) => void }): Sink {
  return {
    name: 'console',
    channel: 'console',
    buttons: false,
    async send(payload: MessagePayload): Promise<SendResult> {
      options.write(renderText(payload));
      return { status: 'delivered' };
    },
    async edit(id: string, payload: MessagePayload): Promise<SendResult> {
      options.write(`(update of message ${id})\n${renderText(payload)}`);
      return { status: 'delivered', id };
    },
    async close() {},
  };
}
