import { createHash } from 'node:crypto';
import type { NotificationLine } from '../model/notification-line.js';

/** The log's line schemas live with the other file contracts (src/model): the repo reader checks them. */
export {
  NOTIFICATIONS_FILE,
  ITEM_KINDS,
  SUPPRESS_REASONS,
  DecisionLine,
  OutboxLine,
  NotificationLine,
  type ItemKind,
  type SuppressReason,
} from '../model/notification-line.js';

export function hashHex(value: string, length = 24): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}

/** Union merge collapses identical lines, so every line carries an id derived from its content. */
export function withLineId<T extends Omit<NotificationLine, 'id'>>(line: T): T & { id: string } {
  return { id: hashHex(JSON.stringify(line), 16), ...line };
}

export function serializeLines(lines: readonly NotificationLine[]): string {
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}
