import { describe, expect, it } from 'vitest';
import { INCIDENTS_FILE, NOTIFICATIONS_FILE } from '../model/index.js';
import { modelFrom } from '../../test/helpers/memory.js';
import { chronicleFile, withAppended } from './chronicle-check.js';

const line = (id: string) =>
  JSON.stringify({
    id,
    at: '2026-11-22T10:00:00Z',
    event: 'opened',
    fingerprint: 'n/web/unhealthy_service',
    node: 'n',
    service: 'web',
    drift: 'unhealthy_service',
    severity: 'warning',
    recommendation: 'reconcile_required',
    action: 'redeploy',
    reason: 'down',
  });

describe('the chronicle as the repo model reads it', () => {
  it('types a file by its contract; an absent file has no lines', () => {
    const model = modelFrom({ [INCIDENTS_FILE]: `${line('a')}\n` });
    expect(chronicleFile(model, INCIDENTS_FILE).lines.map((l) => l.id)).toEqual(['a']);
    expect(chronicleFile(model, NOTIFICATIONS_FILE)).toEqual({ lines: [], problems: [], missingNewline: false });
  });

  it('withAppended is what reading the file again after the writer gives: partial line cut, lines added', () => {
    const model = modelFrom({ [INCIDENTS_FILE]: `${line('a')}\n{"id":"b","at":"2026-11-2` });
    expect(chronicleFile(model, INCIDENTS_FILE).partial).toBeDefined();
    expect(model.problems.map((p) => p.code)).toContain('chronicle_partial_line');
    const appended = JSON.parse(line('c')) as unknown;
    const after = withAppended(model, INCIDENTS_FILE, [appended]);
    const reread = modelFrom({ [INCIDENTS_FILE]: `${line('a')}\n${line('c')}\n` });
    expect(chronicleFile(after, INCIDENTS_FILE)).toEqual(chronicleFile(reread, INCIDENTS_FILE));
    expect(after.problems).toEqual(reread.problems);
    // The model it came from is unchanged.
    expect(chronicleFile(model, INCIDENTS_FILE).lines.map((l) => l.id)).toEqual(['a']);
  });
});
