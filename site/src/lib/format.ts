import type { Recommendation } from '../../../src/model/recommendation.ts';
import { formatDuration } from '../../../src/model/time.ts';
import { humanize, humanReason } from '../../../src/site/words.ts';

export { humanize, humanReason };

/** A link inside the site, under the configured base path (GitHub Pages project sites). */
export function href(path = ''): string {
  const base = import.meta.env.BASE_URL.endsWith('/') ? import.meta.env.BASE_URL : `${import.meta.env.BASE_URL}/`;
  return `${base}${path.replace(/^\//, '')}`;
}

export const nodeHref = (node: string) => href(`nodes/${node}/`);
export const serviceHref = (node: string, service: string) => href(`services/${node}/${service}/`);

/** `2026-11-22 09:40 UTC`: unambiguous, and the same whoever builds the site. */
export function when(value: string | null | undefined): string {
  if (!value) return '—';
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function duration(ms: number | null): string {
  return ms === null ? '—' : formatDuration(ms);
}

/** An identifier in words: `EnteringMaintenance` → `Entering maintenance`. */
export const words = humanize;

export function subject(rec: Pick<Recommendation, 'node' | 'service'>): string {
  return rec.service ? `${rec.node}/${rec.service}` : rec.node;
}

export const SUMMARY_TEXT: Record<string, string> = {
  nominal: 'All systems nominal',
  degraded: 'Non-critical drift',
  unstable: 'Critical drift or a blocked remedy',
  reconciling: 'Remedies under way',
  unknown: 'No reconciled status yet',
};

/** Tone classes pair every colour with text; the class only adds the colour. */
export function tone(value: string): string {
  switch (value) {
    case 'ok':
    case 'online':
    case 'nominal':
    case 'success':
    case 'Active':
    case 'resolved':
    case 'stable':
      return 'good';
    case 'degraded':
    case 'warning':
    case 'reconciling':
    case 'in_progress':
    case 'Cordoned':
    case 'EnteringMaintenance':
    case 'ExitingMaintenance':
    case 'Recovery':
    case 'Maintenance':
    case 'escalated':
    case 'deescalated':
    case 'flapping':
    case 'opened':
      return 'warn';
    case 'failed':
    case 'stopped':
    case 'offline':
    case 'critical':
    case 'unstable':
    case 'missing':
    case 'DrainFailed':
      return 'bad';
    default:
      return 'neutral';
  }
}
