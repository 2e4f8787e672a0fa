import {
  commitAndPush,
  describeCommitAndPush,
  type CommitAndPushOptions,
  type CommitAndPushResult,
} from '../git/commit-push.js';
import { NOTIFICATIONS_FILE } from '../notify/log-line.js';
import type { DeliveryReport } from '../notify/outbox.js';

/** What notify writes, and so the only path its commits may contain. */
export const NOTIFY_FILES = [NOTIFICATIONS_FILE];

export function notifyCommitMessage(report: DeliveryReport): string {
  const parts = [`${report.delivered.length} delivered`];
  if (report.deferred.length > 0) parts.push(`${report.deferred.length} pending`);
  if (report.failed.length > 0) parts.push(`${report.failed.length} refused`);
  return `notify: ${parts.join(', ')}`;
}

/**
 * Commits (and pushes) chronicle/notifications.jsonl after a notify run. Without it an
 * ephemeral CI checkout forgets what was sent, and the next run sends it again. The file is
 * append-only JSON Lines with unique line ids: a rejected push rebases (union merge).
 */
export async function commitNotifications(
  repo: string,
  report: DeliveryReport,
  options: {
    push: boolean;
    git?: Pick<CommitAndPushOptions, 'maxAttempts' | 'backoff' | 'random' | 'sleep' | 'author'>;
  },
): Promise<CommitAndPushResult & { line: string }> {
  const message = notifyCommitMessage(report);
  const outcome = await commitAndPush(repo, { files: NOTIFY_FILES, message, push: options.push, ...options.git });
  return {
    ...outcome,
    line: describeCommitAndPush(outcome, { push: options.push, unchanged: 'notifications unchanged' }),
  };
}
