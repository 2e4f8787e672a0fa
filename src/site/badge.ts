import type { SummaryState } from './model.js';

/** Colours chosen for white text at WCAG AA contrast (4.5:1 or better). */
export const SUMMARY_COLOURS: Record<SummaryState, string> = {
  nominal: '#1a7f37',
  reconciling: '#0550ae',
  degraded: '#9a6700',
  unstable: '#cf222e',
  unknown: '#57606a',
};

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A shields-style badge: "homelab | degraded". Width from a fixed per-character estimate. */
export function renderBadge(state: SummaryState, label = 'homelab'): string {
  const charWidth = 6.5;
  const left = Math.round(label.length * charWidth + 12);
  const right = Math.round(state.length * charWidth + 12);
  const width = left + right;
  const text = `${label}: ${state}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${escapeXml(text)}">
<title>${escapeXml(text)}</title>
<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${left}" height="20" fill="#24292f"/><rect x="${left}" width="${right}" height="20" fill="${SUMMARY_COLOURS[state]}"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
<text x="${left / 2}" y="14">${escapeXml(label)}</text><text x="${left + right / 2}" y="14">${escapeXml(state)}</text>
</g>
</svg>
`;
}
