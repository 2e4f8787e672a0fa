import { describe, expect, it } from 'vitest';
import type { Recommendation } from '../model/index.js';
import { diffRecommendations } from '../reconciler/diff.js';
import { renderPlan } from './render.js';

const rec = (node: string, reason = 'status failed: HTTP 503'): Recommendation => ({
  id: `${node}/jellyfin/unhealthy_service`,
  event: 'reconcile_required',
  drift: 'unhealthy_service',
  action: 'redeploy',
  node,
  service: 'jellyfin',
  severity: 'warning',
  reason,
  since: null,
});

describe('renderPlan', () => {
  it('renders opened, cleared and changed rows with the summary change', () => {
    const diff = diffRecommendations(
      { summary: 'degraded', recommendations: [rec('a'), rec('b')] },
      { summary: 'unstable', recommendations: [{ ...rec('b'), severity: 'critical' }, rec('c', 'a | b\nc')] },
    );
    expect(renderPlan(diff, { base: 'HEAD^1' })).toBe(
      [
        '## labwarden plan',
        '',
        'Summary: **degraded** → **unstable**',
        '',
        '1 opened, 1 cleared, 1 changed compared with `HEAD^1`.',
        '',
        '| change | recommendation | event | action | severity | reason |',
        '|---|---|---|---|---|---|',
        '| opened | `c/jellyfin unhealthy_service` | reconcile_required | redeploy | warning | a \\| b c |',
        '| cleared | `a/jellyfin unhealthy_service` | reconcile_required | redeploy | warning | status failed: HTTP 503 |',
        '| changed | `b/jellyfin unhealthy_service` | reconcile_required | redeploy | critical | status failed: HTTP 503 (severity: "warning" → "critical") |',
        '',
      ].join('\n'),
    );
  });

  it('says so when nothing changes', () => {
    expect(
      renderPlan(
        diffRecommendations({ summary: 'nominal', recommendations: [] }, { summary: 'nominal', recommendations: [] }),
        { base: 'main' },
      ),
    ).toBe(
      '## labwarden plan\n\nSummary: **nominal** (unchanged)\n\nNo recommendation would appear, change or clear compared with `main`.\n',
    );
  });

  it('stays under the byte limit with thousands of recommendations and says how many are cut', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => rec(`n${i}`, 'x'.repeat(100)));
    const text = renderPlan(diffRecommendations(undefined, { summary: 'degraded', recommendations: many }), {
      base: 'HEAD',
    });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(60_000);
    expect(text).toMatch(
      /\n_\d+ more rows not shown: the summary is kept under 60 kB\. Run `labwarden plan` locally for all of them\._\n$/,
    );
  });
});
