import type { MessagePayload } from '../message.js';

export const SINK_NAMES = ['discord-webhook', 'discord-bot', 'console'] as const;
export type SinkName = (typeof SINK_NAMES)[number];

/** What one delivery attempt came to: the outbox, not the sink, decides when to try again. */
export type SendResult =
  | { status: 'delivered'; id?: string }
  | { status: 'retry'; afterMs?: number; reason: string }
  /** `payload`: Discord refused this body (400, 413, ...), so a reshaped one may pass; else the destination refused (401, 403, 404). */
  /** `gone`: the message to edit no longer exists (404 Unknown Message: a human deleted it). */
  | { status: 'rejected'; reason: string; payload?: boolean; gone?: boolean };

/** One place alerts go. `key` is the message's idempotency key. */
export interface Sink {
  readonly name: SinkName;
  /** Where it posts, without secrets (for the log). */
  readonly channel: string;
  /** Whether messages may carry buttons (only a bot's own messages can). */
  readonly buttons: boolean;
  send(payload: MessagePayload, key: string): Promise<SendResult>;
  /** Replaces a message this sink posted (Discord id `id`); notifies nobody. Absent: edits are posted anew. */
  edit?(id: string, payload: MessagePayload, key: string): Promise<SendResult>;
  close(): Promise<void>;
}

export const DEFAULT_DISCORD_API = 'https://discord.com/api';
