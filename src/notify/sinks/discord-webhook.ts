import { WebhookClient } from 'discord.js';
import type { MessagePayload } from '../message.js';
import { classifyDiscordError } from './discord-errors.js';
import { DEFAULT_DISCORD_API, type SendResult, type Sink } from './sink.js';

/**
 * Posts to a Discord webhook (what a CI job uses). Rate limits reject instead of blocking
 * (`rejectOnRateLimit`) and REST retries are off, so the outbox schedules every retry.
 */
export function discordWebhookSink(options: { id: string; token: string; api?: string }): Sink {
  // id + token, not the URL: discord.js only parses discord.com URLs with today's id and token lengths.
  const client = new WebhookClient(
    { id: options.id, token: options.token },
    { rest: { api: options.api ?? DEFAULT_DISCORD_API, rejectOnRateLimit: () => true, retries: 0, timeout: 10_000 } },
  );
  return {
    name: 'discord-webhook',
    channel: `webhook:${client.id}`,
    buttons: false,
    async send(payload: MessagePayload): Promise<SendResult> {
      try {
        const sent = await client.send({
          content: payload.content,
          embeds: payload.embeds,
          allowedMentions: { parse: [] },
        });
        return { status: 'delivered', id: sent.id };
      } catch (error) {
        return classifyDiscordError(error);
      }
    },
    async edit(id: string, payload: MessagePayload): Promise<SendResult> {
      try {
        // PATCH /webhooks/{id}/{token}/messages/{message_id}: a webhook may edit what it posted.
        const { content, embeds } = payload;
        await client.editMessage(id, { content, embeds, allowedMentions: { parse: [] } });
        return { status: 'delivered', id };
      } catch (error) {
        return classifyDiscordError(error);
      }
    },
    async close() {
      client.destroy();
    },
  };
}
