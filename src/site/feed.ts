import type { IncidentEvent } from './chronicle.js';

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface FeedOptions {
  /** Absolute URL of the incidents page when the site URL is known, else a path. */
  pageUrl: string;
  selfUrl: string;
  updated: string | null;
}

function title(event: IncidentEvent): string {
  const subject = event.service ? `${event.node}/${event.service}` : event.node;
  return `${event.event}: ${subject}${event.drift ? ` ${event.drift}` : ''} (${event.severity})`;
}

/** An Atom feed of incident lifecycle events, newest first (RFC 4287). */
export function renderIncidentFeed(events: readonly IncidentEvent[], options: FeedOptions): string {
  const entries = events.slice(0, 200).map((event) => {
    const id = `tag:labwarden,2026:incident/${encodeURIComponent(event.id)}/${encodeURIComponent(event.event)}/${encodeURIComponent(event.at)}`;
    const body = [event.reason, event.recommendation ? `recommendation: ${event.recommendation}` : '', event.action ? `action: ${event.action}` : ''].filter(Boolean).join('\n');
    return `  <entry>
    <id>${escapeXml(id)}</id>
    <title>${escapeXml(title(event))}</title>
    <updated>${escapeXml(event.at)}</updated>
    <link href="${escapeXml(options.pageUrl)}"/>
    <category term="${escapeXml(event.severity)}"/>
    <content type="text">${escapeXml(body)}</content>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>tag:labwarden,2026:incidents</id>
  <title>labwarden incidents</title>
  <updated>${escapeXml(options.updated ?? '1970-01-01T00:00:00Z')}</updated>
  <author><name>labwarden</name></author>
  <link rel="self" href="${escapeXml(options.selfUrl)}"/>
  <link href="${escapeXml(options.pageUrl)}"/>
${entries.join('\n')}
</feed>
`;
}
