import { describe, expect, it } from 'vitest';
import { buildRepoModel } from '../repo/index.js';
import { normalizeBase } from './build.js';
import { renderBadge } from './badge.js';
import { IncidentLine, lineId } from '../chronicle/line.js';
import { renderIncidentFeed } from './feed.js';
import { humanize, humanReason } from './words.js';
import { buildSiteModel, type SiteInputs } from './model.js';
import { builtinSkills } from '../skills/index.js';
import { Skill } from '../model/index.js';

const repoFiles = [
  { path: 'inventory/hosts/n1/services.yaml', text: 'services:\n  - name: web\n  - name: db\n' },
  {
    path: 'world/nodes/n1.yaml',
    text: 'node: n1\nobserved_at: 2026-11-22T10:00:00Z\nstatus: online\nservices:\n  - { name: web, status: failed, detail: boom }\n  - { name: extra, status: ok }\n',
  },
];
const repo = buildRepoModel({ hostDirs: ['n1', 'n2'], files: repoFiles });
const status = {
  summary: 'degraded',
  recommendations: [
    {
      id: 'n1/web/unhealthy_service',
      event: 'reconcile_required',
      drift: 'unhealthy_service',
      action: 'redeploy',
      node: 'n1',
      service: 'web',
      severity: 'warning',
      reason: 'boom',
      since: '2026-11-22T09:00:00Z',
    },
    {
      id: 'n1/extra/unmanaged_service',
      event: 'reconcile_recommended',
      drift: 'unmanaged_service',
      action: 'review',
      node: 'n1',
      service: 'extra',
      severity: 'info',
      reason: 'x',
      since: '2026-11-22T10:00:00Z',
    },
  ],
  nodes: {
    n1: {
      health: 'online',
      last_seen: '2026-11-22T10:00:00Z',
      services: { total: 2, ok: 0, degraded: 0, failed: 1, missing: 1 },
    },
  },
};
const inputs = (overrides: Partial<SiteInputs> = {}): SiteInputs => ({
  repo,
  status,
  insights: undefined,
  ...overrides,
});
const line = (fields: {
  at: string;
  event: string;
  node: string;
  service?: string;
  severity: string;
  reason?: string;
}) => {
  const fingerprint = `${fields.node}/${fields.service ?? ''}/unhealthy_service`;
  const base = {
    id: lineId(fingerprint, fields.event, fields.at),
    fingerprint,
    drift: 'unhealthy_service',
    recommendation: 'reconcile_required',
  };
  return IncidentLine.parse({ ...base, action: 'redeploy', reason: '', ...fields });
};
const withIncidents = (lines: IncidentLine[]) =>
  buildRepoModel({
    hostDirs: ['n1', 'n2'],
    files: [
      { path: 'inventory/hosts/n1/services.yaml', text: 'services:\n  - name: web\n  - name: db\n' },
      {
        path: 'world/nodes/n1.yaml',
        text: 'node: n1\nobserved_at: 2026-11-22T10:00:00Z\nstatus: online\nservices: []\n',
      },
      { path: 'chronicle/incidents.jsonl', text: lines.map((l) => `${JSON.stringify(l)}\n`).join('') },
    ],
  });

describe('buildSiteModel', () => {
  it('joins inventory, world and status per node and service', () => {
    const model = buildSiteModel(inputs());
    expect(model.summary).toBe('degraded');
    expect(model.summarySince).toBe('2026-11-22T09:00:00Z');
    expect(model.asOf).toBe('2026-11-22T10:00:00Z');
    expect(model.groups.map((g) => [g.event, g.recommendations.length])).toEqual([
      ['reconcile_required', 1],
      ['reconcile_recommended', 1],
    ]);
    const [n1, n2] = model.nodes;
    expect(n1!.services.map((s) => [s.name, s.status, s.managed, s.recommendations.length])).toEqual([
      ['web', 'failed', true, 1],
      ['db', 'missing', true, 0],
      ['extra', 'ok', false, 1],
    ]);
    expect(n1!.bars).toBeNull();
    expect(n2).toMatchObject({
      name: 'n2',
      health: 'unknown',
      maintenance: { state: 'Active', drain: null },
      counts: { total: 0 },
    });
    expect(model.notes).toEqual([
      'No chronicle yet: incident history and availability appear once reconcile has recorded incidents.',
    ]);
  });

  it('degrades to an unknown summary without status/, and shows the chronicle when present', () => {
    const incident = line({
      at: '2026-11-21T00:00:00Z',
      event: 'opened',
      node: 'n1',
      service: 'web',
      severity: 'critical',
    });
    const model = buildSiteModel(
      inputs({ repo: withIncidents([incident]), status: undefined, now: Date.parse('2026-11-22T12:00:00Z') }),
    );
    expect(model.summary).toBe('unknown');
    expect(model.recommendations).toEqual([]);
    expect(model.notes[0]).toContain('No status/recommendations.json yet');
    const web = model.nodes[0]!.services[0]!;
    expect(web.bars!.slice(-2).map((b) => b.state)).toEqual(['down', 'down']);
    expect(web.incidents).toHaveLength(1);
  });

  it('gives each recommendation the runbook of its most specific skill, and notes a broken skill file', () => {
    const own = Skill.parse({
      id: 'web-boom',
      title: 'Web went boom',
      family: 'http',
      match: { drift: ['unhealthy_service'], detail: ['boom'] },
      risk: 'low',
    });
    const problem = {
      code: 'yaml_syntax' as const,
      file: 'inventory/skills/broken.yaml',
      line: 2,
      col: 8,
      message: 'unexpected end of the stream',
    };
    const model = buildSiteModel(inputs({ skills: { skills: [...builtinSkills(), own], problems: [problem] } }));
    expect(model.runbooks['n1/web/unhealthy_service']).toEqual({
      skill: 'web-boom',
      title: 'Web went boom',
      risk: 'low',
      next: 'review',
    });
    expect(model.notes).toContain(
      'inventory/skills/broken.yaml:2:8 unexpected end of the stream: that skill gives no runbook (`labwarden validate` says more).',
    );
    expect(model.problems).toContainEqual(problem);
    // The model reaches the astro child as a JSON file: nothing in it may be lost on the way (a Map would be).
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
    // What diagnostics found this episode, as alerts show it: the latest run's counts, never its output.
    const line = (at: string, step: number, title: string, result: string) =>
      JSON.stringify({
        at,
        fingerprint: 'n1/web/unhealthy_service',
        node: 'n1',
        service: 'web',
        skill: 'web-boom',
        step,
        title,
        kind: 'run',
        target: ['uptime'],
        result,
        output: 'password=hunter2',
      });
    const diagnosed = buildRepoModel({
      hostDirs: ['n1', 'n2'],
      files: [
        ...repoFiles,
        {
          path: 'chronicle/diagnostics.jsonl',
          text:
            [
              line('2026-11-22T08:00:00Z', 1, 'an earlier episode', 'failed'),
              line('2026-11-22T09:30:00Z', 1, 'load', 'ok'),
              line('2026-11-22T09:30:00Z', 2, 'unit status', 'failed'),
            ].join('\n') + '\n',
        },
      ],
    });
    const withDiagnoses = buildSiteModel(inputs({ repo: diagnosed, skills: { skills: [own], problems: [] } }));
    expect(withDiagnoses.diagnoses).toEqual({
      'n1/web/unhealthy_service': { at: '2026-11-22T09:30:00Z', text: 'diagnosed: 2 steps, 1 failed (unit status)' },
    });
    expect(JSON.stringify(withDiagnoses)).not.toContain('hunter2');
    // Without a catalogue (nothing loaded), no runbooks and no note about skills.
    const bare = buildSiteModel(inputs());
    expect(bare.runbooks).toEqual({});
    expect(bare.notes.some((note) => note.includes('skill'))).toBe(false);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(buildSiteModel(inputs()))).toBe(JSON.stringify(buildSiteModel(inputs())));
  });
});

describe('machine-readable outputs', () => {
  it('escapes text in badges and the Atom feed', () => {
    expect(renderBadge('nominal', '<x>')).toContain('&#60;x&#62;');
    const incident = line({
      at: '2026-11-21T00:00:00Z',
      event: 'opened',
      node: 'n1',
      severity: 'warning',
      reason: '<script>&',
    });
    const options = { pageUrl: '/incidents/', selfUrl: '/incidents.xml', updated: null };
    const feed = renderIncidentFeed([incident], { ...options, installation: 'https://a.example/' });
    expect(feed).toContain('<content type="text">&#60;script&#62;&#38;\naction: redeploy</content>');
    expect(feed).toContain(`<link href="/incidents/#i-${incident.id}"/>`);
    const other = renderIncidentFeed([incident], { ...options, installation: 'https://b.example/' });
    const ids = (text: string) => [...text.matchAll(/<id>([^<]+)<\/id>/g)].map((m) => m[1]);
    expect(ids(feed)).toHaveLength(2);
    expect(ids(feed).filter((id) => ids(other).includes(id))).toEqual([]);
  });

  it.each([
    ['/', '/'],
    ['', '/'],
    ['homelab', '/homelab/'],
    ['/homelab', '/homelab/'],
    ['/a/b/', '/a/b/'],
  ])('normalizeBase(%j) = %j', (input, expected) => {
    expect(normalizeBase(input)).toBe(expected);
  });

  it('rejects a base that is not a path', () => {
    expect(() => normalizeBase('"><x')).toThrow(/not a URL path/);
  });
});

describe('words', () => {
  it.each([
    ['EnteringMaintenance', 'Entering maintenance'],
    ['unhealthy_service', 'Unhealthy service'],
    ['DrainFailed', 'Drain failed'],
    ['ok', 'OK'],
  ])('humanize(%j) = %j', (id, text) => {
    expect(humanize(id)).toBe(text);
  });

  it('rewrites the product identifiers in a reason, not user text', () => {
    expect(humanReason('unhealthy_service; waiting for apps/immich_ml (stopped) before redeploy')).toBe(
      'Unhealthy service: waiting for apps/immich_ml (stopped) before redeploy',
    );
    expect(humanReason('blocked by offline_node on pi')).toBe('blocked by offline node on pi');
  });
});

describe('an offline node', () => {
  it('shows its services as unknown, not the last status it reported', () => {
    const offline = { ...status, nodes: { n1: { ...status.nodes.n1, health: 'offline' } } };
    const model = buildSiteModel(inputs({ status: offline }));
    expect(model.nodes[0]!.services.map((s) => s.status)).toEqual(['unknown', 'unknown', 'unknown']);
  });
});
