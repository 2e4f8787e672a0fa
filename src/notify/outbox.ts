import { formatTime } from '../model/index.js';
import { withLineId, type OutboxLine } from './log-line.js';
import type { MessagePayload } from './message.js';
import { reshapePayload, RESHAPE_STEPS, type ReshapeStep } from './reshape.js';
import type { PostedId } from './memory.js';
import type { Sink } from './sinks/sink.js';

export interface DeliveryOptions {
  sink: Sink;
  /** Appends whole lines to the log; called once per state change, before the next send. */
  append: (lines: OutboxLine[]) => Promise<void>;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Attempts per message within one run before it is left for the next run. */
  maxAttempts?: number;
  /** First backoff after a 5xx or network error; doubles each time. */
  backoffMs?: number;
  /** Message key → Discord id of messages posted by earlier runs (what edits need); updated as posts go out. */
  ids?: Map<string, PostedId>;
}

export interface DeliveryReport {
  delivered: string[];
  /** Delivered only in a reshaped form after Discord refused the full one (also in `delivered`); absent when none was. */
  reshaped?: { message: string; step: ReshapeStep; reason: string }[];
  /**
   * Discord refused even the shortest plain-text form of the body. Logged as failed and
   * reported (exit 4), never silently dropped.
   */
  failed: { message: string; reason: string }[];
  /**
   * Still pending after this run (outage, or a destination that refuses: webhook deleted, token
   * bad, channel gone — 401/403/404): kept in the outbox, and the next run retries them, in order.
   */
  deferred: { message: string; reason: string }[];
  /** Edits delivered (also in `delivered`): they notify nobody. */
  edited?: string[];
}

/**
 * Delivers queued messages in queue order. A message is queued (committed to the log)
 * before its first send and marked delivered only after Discord accepted it, so a crash
 * loses nothing and a restart resends only what was never confirmed. A body Discord refuses
 * is sent again reshaped (RESHAPE_STEPS: no buttons, then short plain text) at once: the
 * alert reaches the channel in a lesser form rather than not at all.
 */
export async function deliverOutbox(pending: readonly OutboxLine[], options: DeliveryOptions): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: [], failed: [], deferred: [] };
  const maxAttempts = options.maxAttempts ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const ids = options.ids ?? new Map<string, PostedId>();
  type Fields = Pick<OutboxLine, 'state' | 'message' | 'error' | 'reshaped' | 'discord_id' | 'reposted'>;
  const line = ({ state, message, ...rest }: Fields): OutboxLine =>
    withLineId({
      at: formatTime(options.now()),
      type: 'outbox' as const,
      state,
      message,
      channel: options.sink.channel,
      ...rest,
    });
  for (const [index, queued] of pending.entries()) {
    let attempt = 0;
    let lastReason = '';
    let done = false;
    let step = 0;
    let refusedFull = '';
    // An edit needs its message's id; without one (never posted here, or deleted) it is posted.
    // Another sink's message (the webhook's, now that the bot posts) cannot be edited: post anew.
    const target = queued.edit === undefined ? undefined : ids.get(queued.edit);
    const targetId =
      target && (target.channel ?? options.sink.channel) === options.sink.channel ? target.id : undefined;
    let editing = targetId !== undefined && options.sink.edit !== undefined;
    let reposted = queued.edit !== undefined && !editing;
    while (!done && attempt < maxAttempts) {
      attempt += 1;
      const form = reshapePayload(queued.payload as MessagePayload, RESHAPE_STEPS[step]!);
      const result = editing
        ? await options.sink.edit!(targetId!, form, queued.message)
        : await options.sink.send(form, queued.message);
      if (result.status === 'delivered') {
        const shape = RESHAPE_STEPS[step]!;
        const id = editing ? undefined : result.id;
        const fields = {
          ...(shape !== 'full' ? { reshaped: shape, error: refusedFull } : {}),
          ...(id ? { discord_id: id } : {}),
          ...(reposted ? { reposted: true } : {}),
        };
        await options.append([line({ state: 'delivered', message: queued.message, ...fields })]);
        if (id) ids.set(reposted && queued.edit ? queued.edit : queued.message, { id, channel: options.sink.channel });
        report.delivered.push(queued.message);
        if (editing) (report.edited ??= []).push(queued.message);
        if (shape !== 'full') {
          (report.reshaped ??= []).push({ message: queued.message, step: shape, reason: refusedFull });
        }
        done = true;
      } else if (result.status === 'rejected' && result.gone && editing) {
        // The live message was deleted by a human: the update goes out as a new post.
        editing = false;
        reposted = true;
        attempt -= 1;
      } else if (result.status === 'rejected' && result.payload && step < RESHAPE_STEPS.length - 1) {
        // Refused for its body: the next form is tried now, not counted as an attempt.
        if (step === 0) refusedFull = result.reason;
        step += 1;
        attempt -= 1;
      } else if (result.status === 'rejected' && result.payload) {
        const reason = `refused in every form (${refusedFull || result.reason}); last: ${result.reason}`;
        await options.append([line({ state: 'failed', message: queued.message, error: reason })]);
        report.failed.push({ message: queued.message, reason });
        done = true;
      } else if (result.status === 'rejected') {
        // The destination refused (401/403/404): no retry helps now, but the message is kept.
        lastReason = result.reason;
        break;
      } else {
        lastReason = result.reason;
        if (attempt < maxAttempts) await options.sleep(result.afterMs ?? backoffMs * 2 ** (attempt - 1));
      }
    }
    if (!done) {
      // Keep the order: later messages wait behind the one Discord would not take yet.
      for (const rest of pending.slice(index))
        report.deferred.push({
          message: rest.message,
          reason: rest === queued ? lastReason : 'waiting behind an undelivered message',
        });
      break;
    }
  }
  return report;
}
