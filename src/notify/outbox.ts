import { formatTime } from '../model/index.js';
import { withLineId, type OutboxLine } from './log-line.js';
import type { MessagePayload } from './message.js';
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
  /** Permanently refused (bad webhook, malformed message): logged as failed, not retried. */
  failed: { message: string; reason: string }[];
  /** Still pending after this run's attempts (outage): the next run retries them, in order. */
  deferred: { message: string; reason: string }[];
}

/**
 * Delivers queued messages in queue order. A message is queued (committed to the log)
 * before its first send and marked delivered only after Discord accepted it, so a crash
 * loses nothing and a restart resends only what was never confirmed.
 */
export async function deliverOutbox(pending: readonly OutboxLine[], options: DeliveryOptions): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: [], failed: [], deferred: [] };
  const maxAttempts = options.maxAttempts ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  for (const [index, queued] of pending.entries()) {
    let attempt = 0;
    let lastReason = '';
    let done = false;
    while (!done && attempt < maxAttempts) {
      attempt += 1;
      const result = await options.sink.send(queued.payload as MessagePayload, queued.message);
      if (result.status === 'delivered') {
        await options.append([withLineId({ at: formatTime(options.now()), type: 'outbox', state: 'delivered', message: queued.message, channel: options.sink.channel })]);
        report.delivered.push(queued.message);
        done = true;
      } else if (result.status === 'rejected') {
        await options.append([withLineId({ at: formatTime(options.now()), type: 'outbox', state: 'failed', message: queued.message, channel: options.sink.channel, error: result.reason })]);
        report.failed.push({ message: queued.message, reason: result.reason });
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
