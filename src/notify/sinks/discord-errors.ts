import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import type { SendResult } from './sink.js';

/** Maps a discord.js REST failure to what the outbox should do about it. */
export function classifyDiscordError(error: unknown): SendResult {
  if (error instanceof RateLimitError)
    return {
      status: 'retry',
      afterMs: error.retryAfter,
      reason: `rate limited (429), retry after ${error.retryAfter}ms`,
    };
  if (error instanceof DiscordAPIError || error instanceof HTTPError) {
    const status = error.status;
    if (status >= 500 || status === 408) return { status: 'retry', reason: `Discord answered ${status}` };
    // 10008 Unknown Message: an edit's target was deleted; the destination itself is fine.
    if (status === 404 && error instanceof DiscordAPIError && error.code === 10008) {
      return { status: 'rejected', reason: `Discord: ${status} Unknown Message`, gone: true };
    }
    const destination = status === 401 || status === 403 || status === 404;
    const hint = status === 401 || status === 404 ? ' (is the webhook URL or token valid and not deleted?)' : '';
    // discord.js puts every refused field on its own line; the log wants one line.
    const message = error.message.replace(/\s*\n\s*/g, '; ');
    return {
      status: 'rejected',
      reason: `Discord refused the message: ${status} ${message}${hint}`,
      ...(destination ? {} : { payload: true }),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 'retry', reason: `network error: ${message}` };
}
