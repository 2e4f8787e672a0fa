import { recommendationLabel, type RecommendationDiff } from '../reconciler/diff.js';
import type { Recommendation } from '../model/index.js';

/** GitHub rejects a step summary over 1 MiB; stay far below so other steps can add theirs. */
export const DEFAULT_MAX_BYTES = 60_000;

const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function row(change: string, rec: Recommendation, note = ''): string {
  return `| ${change} | \`${cell(recommendationLabel(rec))}\` | ${rec.event} | ${rec.action} | ${rec.severity} | ${cell(rec.reason)}${note ? ` (${cell(note)})` : ''} |`;
}

/**
 * The plan as markdown for $GITHUB_STEP_SUMMARY: the summary change and one table row per
 * opened, cleared or changed recommendation, cut at `maxBytes` with a line saying how much
 * was left out.
 */
export function renderPlan(diff: RecommendationDiff, options: { base: string; maxBytes?: number }): string {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const { before, after } = diff.summary;
  const head = [
    '## labwarden plan',
    '',
    before === undefined
      ? `Summary: **${after}** (no reconcilable state at \`${cell(options.base)}\`)`
      : before === after
        ? `Summary: **${after}** (unchanged)`
        : `Summary: **${before}** → **${after}**`,
    '',
  ];
  const rows = [
    ...diff.opened.map((rec) => row('opened', rec)),
    ...diff.cleared.map((rec) => row('cleared', rec)),
    ...diff.changed.map((change) =>
      row(
        'changed',
        change.after,
        change.fields
          .map(
            (field) =>
              `${field}: ${JSON.stringify(change.before[field as keyof Recommendation] ?? null)} → ${JSON.stringify(change.after[field as keyof Recommendation] ?? null)}`,
          )
          .join('; '),
      ),
    ),
  ];
  if (rows.length === 0)
    return `${[...head, `No recommendation would appear, change or clear compared with \`${cell(options.base)}\`.`].join('\n')}\n`;
  const counts = `${diff.opened.length} opened, ${diff.cleared.length} cleared, ${diff.changed.length} changed compared with \`${cell(options.base)}\`.`;
  const lines = [
    ...head,
    counts,
    '',
    '| change | recommendation | event | action | severity | reason |',
    '|---|---|---|---|---|---|',
  ];
  const reserve = 200; // room for the truncation note
  let size = Buffer.byteLength(`${lines.join('\n')}\n`);
  let shown = 0;
  for (const line of rows) {
    const bytes = Buffer.byteLength(line) + 1;
    if (size + bytes > maxBytes - reserve) break;
    lines.push(line);
    size += bytes;
    shown++;
  }
  if (shown < rows.length)
    lines.push(
      '',
      `_${rows.length - shown} more rows not shown: the summary is kept under ${Math.round(maxBytes / 1000)} kB. Run \`labwarden plan\` locally for all of them._`,
    );
  return `${lines.join('\n')}\n`;
}
