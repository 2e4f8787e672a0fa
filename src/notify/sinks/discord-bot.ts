import { REST, Routes } from 'discord.js';
import type { MessagePayload } from '../message.js';
import { classifyDiscordError } from './discord-errors.js';
import { DEFAULT_DISCORD_API, type SendResult, type Sink } from './sink.js';

/**
 * Posts as the bot into its channel. The idempotency key goes out as an enforced nonce, so
 * a resend after a crash between "sent" and "marked delivered" is deduplicated by Discord.
 */
export function discordBotSink(options: { token: string; channelId: string; api?: string }): Sink {
  const rest = new REST({
    version: '10',
    api: options.api ?? DEFAULT_DISCORD_API,
    rejectOnRateLimit: () => true,
    retries: 0,
    timeout: 10_000,
  }).setToken(options.token);
  return {
    name: 'discord-bot',
    channel: `channel:${options.channelId}`,
    buttons: true,
    async send(payload: MessagePayload, key: string): Promise<SendResult> {
      try {
        const sent = (await rest.post(Routes.channelMessages(options.channelId), {
          body: { ...payload, nonce: key.slice(0, 25), enforce_nonce: true },
        })) as { id?: string };
        return { status: 'delivered', ...(sent.id ? { id: sent.id } : {}) };
      } catch (error) {
        return classifyDiscordError(error);
      }
    },
    async edit(id: string, payload: MessagePayload): Promise<SendResult> {
      try {
        await rest.patch(Routes.channelMessage(options.channelId, id), { body: payload });
        return { status: 'delivered', id };
      } catch (error) {
        return classifyDiscordError(error);
      }
    },
    async close() {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
  };
}
