import { withLineId, type OutboxLine } from './log-line.js';
import type { MessagePayload } from './message.js';
import type { NotifyItem, NotifyPlan } from './plan.js';

export interface QueueOptions {
  at: string;
  channel: string;
  /** Renders a message (`key`: the posted message's key, also for its edits); omitted by the bench. */
  render?: (items: readonly NotifyItem[], key: string) => MessagePayload;
  /** Keys already queued or final: not queued twice. */
  known?: (key: string) => boolean;
}

/**
 * The outbox lines a plan queues: the run's new post (if any), then one edit per live message
 * whose view changed. Each carries the signature of what its message shows, so the next run
 * edits only what changed; an edit names the posted message it edits (`edit`).
 */
export function queueLines(plan: NotifyPlan, options: QueueOptions): OutboxLine[] {
  const lines: OutboxLine[] = [];
  const queue = (
    message: string,
    items: readonly NotifyItem[],
    extra: { edit?: string; sig?: string },
    renderKey: string,
  ) => {
    if (options.known?.(message)) return;
    const payload = options.render?.(items, renderKey);
    lines.push(
      withLineId({
        at: options.at,
        type: 'outbox' as const,
        state: 'queued' as const,
        message,
        channel: options.channel,
        ...(payload ? { payload } : {}),
        ...extra,
      }),
    );
  };
  if (plan.messageKey) {
    const posted = plan.items.filter((item) => item.via !== 'edit');
    queue(plan.messageKey, posted, plan.postSig ? { sig: plan.postSig } : {}, plan.messageKey);
  }
  for (const edit of plan.edits) queue(edit.key, edit.items, { edit: edit.target, sig: edit.sig }, edit.target);
  return lines;
}
