import { createHash } from 'node:crypto';
import type { IncidentLine } from '../chronicle/line.js';
import { humanize, humanReason } from './words.js';

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface FeedOptions {
  /** Absolute URL of the incidents page when the site URL is known, else a path. */
  pageUrl: string;
  selfUrl: string;
  updated: string | null;
  /**
   * What makes this installation's feed id unique: the site URL when known (`--site`), else
   * something of the homelab itself (its node names), so two homelabs never share an id.
   */
  installation: string;
}

/** The anchor of an incident line on the incidents page. */
export const incidentAnchor = (id: string) => `i-${id}`;

function title(line: IncidentLine): string {
  const subject = line.service ? `${line.node}/${line.service}` : line.node;
  return `${humanize(line.event)}: ${subject}, ${humanize(line.drift).toLowerCase()} (${line.severity})`;
}

/** A stable `urn:uuid:` (RFC 4122 layout, name-based) for an installation and an entry. */
function urn(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\n')).digest('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** An Atom feed of incident lifecycle lines, newest first (RFC 4287); each entry links to its own anchor. */
export function renderIncidentFeed(lines: readonly IncidentLine[], options: FeedOptions): string {
  const entries = lines.slice(0, 200).map((line) => {
    const body = [humanReason(line.reason), `action: ${humanize(line.action).toLowerCase()}`].join('\n');
    return `  <entry>
    <id>${urn(options.installation, line.id)}</id>
    <title>${escapeXml(title(line))}</title>
    <updated>${escapeXml(line.at)}</updated>
    <link href="${escapeXml(`${options.pageUrl}#${incidentAnchor(line.id)}`)}"/>
    <category term="${escapeXml(line.severity)}"/>
    <content type="text">${escapeXml(body)}</content>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${urn(options.installation, 'incidents')}</id>
  <title>labwarden incidents</title>
  <updated>${escapeXml(options.updated ?? '1970-01-01T00:00:00Z')}</updated>
  <author><name>labwarden</name></author>
  <link rel="self" href="${escapeXml(options.selfUrl)}"/>
  <link href="${escapeXml(options.pageUrl)}"/>
${entries.join('\n')}
</feed>
`;
}
