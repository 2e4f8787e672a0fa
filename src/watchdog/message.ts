import { COLORS, escapeText, LIMITS, truncate, type MessagePayload } from '../notify/message.js';
import type { WatchdogAlert } from './episodes.js';

/**
 * One message for everything a watcher noticed in a run. Problems first, then recoveries; user
 * text (details carry git's and the repo's words) is escaped and mentions cannot form. `watcher`
 * is a name (runner, observer-<node>), checked where it is given.
 */
export function renderWatchdogMessage(
  watcher: string,
  alerts: readonly WatchdogAlert[],
  link?: string,
): MessagePayload {
  const failing = alerts.filter((alert) => alert.kind === 'failing');
  const recovered = alerts.filter((alert) => alert.kind === 'recovered');
  const parts = [
    failing.length > 0 ? `${failing.length} failing` : '',
    recovered.length > 0 ? `${recovered.length} recovered` : '',
  ].filter(Boolean);
  const content = truncate(`**labwarden watchdog** (${watcher}): ${parts.join(', ')}`, LIMITS.content);
  const embeds = [...failing, ...recovered].slice(0, LIMITS.embeds).map((alert) => ({
    title: truncate(`${alert.kind === 'failing' ? 'Failing' : 'Recovered'}: ${escapeText(alert.title)}`, LIMITS.title),
    description: truncate(
      alert.kind === 'failing'
        ? `${escapeText(alert.detail)}\nsince ${alert.since}`
        : `${escapeText(alert.detail)}\nfailing since ${alert.since}`,
      // Several embeds share the 6000-character budget of one message.
      Math.floor((LIMITS.total - content.length) / Math.max(1, Math.min(alerts.length, LIMITS.embeds))) - LIMITS.title,
    ),
    color: alert.kind === 'failing' ? COLORS.critical : COLORS.resolved,
    ...(link ? { url: link } : {}),
    footer: { text: alert.key },
  }));
  return { content, embeds, allowed_mentions: { parse: [] } };
}
