import { UserError } from '../../errors/problem.js';
import { consoleSink } from './console.js';
import { DEFAULT_DISCORD_API, type Sink, type SinkName } from './sink.js';

export interface SinkContext {
  env: Record<string, string | undefined>;
  write: (text: string) => void;
}

const DISCORD_HOST = /^(?:(?:ptb|canary)\.)?discord(?:app)?\.com$/i;
const WEBHOOK_PATH = /^(.*?)\/webhooks\/(\d+)\/([\w-]+)\/?$/;

export interface WebhookTarget {
  id: string;
  token: string;
  /** REST base the webhook is posted through (discord.js adds /v10/webhooks/...). */
  api: string;
}

/**
 * `<base>/webhooks/<id>/<token>`. Any id and token length: Discord never promised one, and a
 * stand-in's URL need not look real. DISCORD_API_URL redirects it; without it, a URL on a host
 * other than Discord's is posted to that host (a proxy or a local stand-in).
 */
export function parseWebhookUrl(url: string, env: Record<string, string | undefined>): WebhookTarget | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const match = WEBHOOK_PATH.exec(parsed.pathname);
  if (!/^https?:$/.test(parsed.protocol) || !match || parsed.search || parsed.hash) return undefined;
  const [, prefix, id, token] = match;
  const own = `${parsed.origin}${prefix!.replace(/\/v\d{1,2}$/, '')}`;
  const api = env.DISCORD_API_URL || DISCORD_HOST.test(parsed.hostname) ? discordApi(env) : own;
  return { id: id!, token: token!, api };
}

/**
 * Every sink, by name: adding one is one file and one line here. Discord sinks load
 * discord.js lazily, so commands that never notify do not pay for it.
 */
export const SINKS: Record<SinkName, (context: SinkContext) => Promise<Sink>> = {
  'discord-webhook': async ({ env }) => {
    const target = parseWebhookUrl(env.DISCORD_WEBHOOK_URL ?? '', env);
    if (!target) {
      throw new UserError('DISCORD_WEBHOOK_URL is not a Discord webhook URL', {
        hint: 'Copy it from Server Settings → Integrations → Webhooks: https://discord.com/api/webhooks/<id>/<token>.',
      });
    }
    const { discordWebhookSink } = await import('./discord-webhook.js');
    return discordWebhookSink(target);
  },
  'discord-bot': async ({ env }) => {
    if (!env.DISCORD_TOKEN || !env.DISCORD_CHANNEL_ID) {
      throw new UserError('the discord-bot sink needs DISCORD_TOKEN and DISCORD_CHANNEL_ID', {
        hint: 'Set both in the environment, or use DISCORD_WEBHOOK_URL.',
      });
    }
    const { discordBotSink } = await import('./discord-bot.js');
    return discordBotSink({ token: env.DISCORD_TOKEN, channelId: env.DISCORD_CHANNEL_ID, api: discordApi(env) });
  },
  console: async ({ write }) => consoleSink({ write }),
};

export function discordApi(env: Record<string, string | undefined>): string {
  const api = (env.DISCORD_API_URL || DEFAULT_DISCORD_API).replace(/\/+$/, '');
  if (!/^https?:\/\/.+\/api$/.test(api)) {
    throw new UserError(`DISCORD_API_URL must be an http(s) URL ending in /api, found "${api}"`, {
      hint: 'For example https://discord.com/api or http://127.0.0.1:8080/api.',
    });
  }
  return api;
}

/**
 * The bot's channel when a token and channel are configured (only a bot's own messages can
 * carry the Ack / Silence buttons), else the webhook (what CI uses), else the console.
 */
export function selectSink(context: SinkContext): Promise<Sink> {
  if (context.env.DISCORD_TOKEN && context.env.DISCORD_CHANNEL_ID) return SINKS['discord-bot'](context);
  if (context.env.DISCORD_WEBHOOK_URL) return SINKS['discord-webhook'](context);
  return SINKS.console(context);
}
