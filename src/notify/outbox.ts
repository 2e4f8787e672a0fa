import { formatTime } from '../model/index.js';
import { withLineId, type OutboxLine } from './log-line.js';
import type { MessagePayload } from './message.js';
import { reshapePayload, RESHAPE_STEPS, type ReshapeStep } from './reshape.js';
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
}

export interface DeliveryReport {
  delivered: string[];
  /** Delivered only in a reshaped form after Discord refused the full one (also in `delivered`); absent when none was. */
  reshaped?: { message: string; step: ReshapeStep; reason: string }[];
  /**
   * Not delivered and never will be as it stands: the destination refused it (bad webhook or
   * token: 401/403/404), or Discord refused even the shortest plain-text form. Logged as
   * failed and reported (exit 4), never silently dropped.
   */
  failed: { message: string; reason: string }[];
  /** Still pending after this run's attempts (outage): the next run retries them, in order. */
  deferred: { message: string; reason: string }[];
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
  const line = ({ state, message, ...rest }: Pick<OutboxLine, 'state' | 'message' | 'error' | 'reshaped' | 'discord_id'>): OutboxLine =>
    withLineId({ at: formatTime(options.now()), type: 'outbox' as const, state, message, channel: options.sink.channel, ...rest });
  for (const [index, queued] of pending.entries()) {
    let attempt = 0;
    let lastReason = '';
    let done = false;
    let step = 0;
    let refusedFull = '';
    while (!done && attempt < maxAttempts) {
      attempt += 1;
      const form = RESHAPE_STEPS[step]!;
      const result = await options.sink.send(reshapePayload(queued.payload as MessagePayload, form), queued.message);
      if (result.status === 'delivered') {
        await options.append([line({ state: 'delivered', message: queued.message, ...(form !== 'full' ? { reshaped: form, error: refusedFull } : {}), ...(result.id ? { discord_id: result.id } : {}) })]);
        report.delivered.push(queued.message);
        if (form !== 'full') (report.reshaped ??= []).push({ message: queued.message, step: form, reason: refusedFull });
        done = true;
      } else if (result.status === 'rejected' && result.payload && step < RESHAPE_STEPS.length - 1) {
        // Refused for its body: the next form is tried now, not counted as an attempt.
        if (step === 0) refusedFull = result.reason;
        step += 1;
        attempt -= 1;
      } else if (result.status === 'rejected') {
        const reason = result.payload ? `refused in every form (${refusedFull || result.reason}); last: ${result.reason}` : result.reason;
        await options.append([line({ state: 'failed', message: queued.message, error: reason })]);
        report.failed.push({ message: queued.message, reason });
        done = true;
      } else {
        lastReason = result.reason;
        if (attempt < maxAttempts) await options.sleep(result.afterMs ?? backoffMs * 2 ** (attempt - 1));
      }
    }
    if (!done) {
      // Keep the order: later messages wait behind the one Discord would not take yet.
      for (const rest of pending.slice(index)) report.deferred.push({ message: rest.message, reason: rest === queued ? lastReason : 'waiting behind an undelivered message' });
      break;
    }
  }
  return report;
}
