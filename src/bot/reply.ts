import { truncate } from '../notify/message.js';

/** Discord refuses a message over 2,000 characters (400 Invalid Form Body). */
export const REPLY_LIMIT = 2000;

const POINTER = '… (shortened to fit Discord; /status and the dashboard show the rest)';

/**
 * Fits a reply within Discord's limit: whole lines from the top while they fit (or the first
 * line cut), a pointer to where the rest is, and, with `keepLast`, the last line kept as is:
 * it says what was committed, which the operator must never lose to a cut.
 */
export function fitReply(content: string, options: { keepLast?: boolean } = {}): string {
  if (content.length <= REPLY_LIMIT) return content;
  const lines = content.split('\n');
  const tail = options.keepLast && lines.length > 1 ? truncate(lines.pop()!, 300) : '';
  const room = REPLY_LIMIT - POINTER.length - (tail ? tail.length + 1 : 0) - 1;
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > room) break;
    kept.push(line);
    used += line.length + 1;
  }
  const head = kept.length > 0 ? kept.join('\n') : truncate(lines[0]!, room).replace(/…$/, '');
  return `${head} ${POINTER}${tail ? `\n${tail}` : ''}`;
}
