import { describe, expect, it } from 'vitest';
import { Policy } from '../model/index.js';
import type { Actor } from './authorize.js';
import {
  autocompleteChoices,
  planCommand,
  requestFromButton,
  type BotView,
  type CommandRequest,
} from './plan-command.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const view: BotView = {
  policy: Policy.parse({ operators: { users: ['111111111111111111'], roles: ['999999999999999999'] } }),
  nodes: ['media', 'pi'],
  maintenance: ['pi'],
  states: { pi: 'EnteringMaintenance, drain 0/1 moved (3 stop with the node)' },
  incidents: [
    { fingerprint: 'media/jellyfin/unhealthy_service', node: 'media', service: 'jellyfin', severity: 'warning' },
  ],
  summary: 'degraded',
};
const alice: Actor = { id: '111111111111111111', name: 'alice', roles: [] };
const bob: Actor = { id: '222222222222222222', name: 'bob', roles: ['999999999999999999'] };
const eve: Actor = { id: '333333333333333333', name: 'eve', roles: ['123'] };
const req = (command: string, options: Record<string, string>, actor = alice, subcommand?: string): CommandRequest => ({
  command,
  options,
  actor,
  ...(subcommand ? { subcommand } : {}),
});

describe('planCommand', () => {
  it.each([
    [
      'operator by user id enters maintenance',
      req('maintenance', { node: 'media', reason: 'disk swap' }, alice, 'enter'),
      {
        kind: 'append',
        input: {
          actor: 'discord:alice (111111111111111111)',
          action: 'enter_maintenance',
          node: 'media',
          reason: 'disk swap',
        },
      },
    ],
    [
      'operator by role drains',
      req('drain', { node: 'media' }, bob),
      { kind: 'append', input: { actor: 'discord:bob (222222222222222222)', action: 'drain', node: 'media' } },
    ],
    [
      'non-operator is refused, ephemerally',
      req('cordon', { node: 'media' }, eve),
      { kind: 'reply', ephemeral: true, refused: true },
    ],
    ['non-operator may read status', req('status', {}, eve), { kind: 'reply', ephemeral: false }],
    [
      'unknown node',
      req('drain', { node: 'nope' }),
      { kind: 'reply', ephemeral: true, content: 'Unknown node "nope". Known nodes: media, pi.' },
    ],
    [
      'hostile node name is escaped',
      req('drain', { node: '@everyone **x**' }),
      { kind: 'reply', content: 'Unknown node "@\u200beveryone \\*\\*x\\*\\*". Known nodes: media, pi.' },
    ],
    [
      'already in maintenance',
      req('maintenance', { node: 'pi' }, alice, 'enter'),
      { kind: 'reply', content: 'pi is already in maintenance; nothing changed.' },
    ],
    [
      'exit when not in maintenance',
      req('maintenance', { node: 'media' }, alice, 'exit'),
      { kind: 'reply', content: 'media is not in maintenance; nothing changed.' },
    ],
    [
      'silence a node for 2h',
      req('silence', { target: 'media', duration: '2h' }),
      { kind: 'append', input: { action: 'silence', matcher: { node: 'media' }, until: '2026-11-22T12:00:00Z' } },
    ],
    [
      'silence an incident until resolved',
      req('silence', { target: 'media/jellyfin/unhealthy_service', duration: 'resolved' }),
      {
        kind: 'append',
        input: { action: 'silence', matcher: { fingerprint: 'media/jellyfin/unhealthy_service' }, until: 'resolved' },
      },
    ],
    [
      'bad duration',
      req('silence', { target: 'media', duration: 'soon' }),
      {
        kind: 'reply',
        content: 'Duration "soon" is not valid: use 15m, 1h, 4h, 1d, 1w, any such as 30m or 2h30m, or "resolved".',
      },
    ],
    [
      'ack an open incident',
      req('ack', { incident: 'media/jellyfin/unhealthy_service' }),
      { kind: 'append', input: { action: 'ack', fingerprint: 'media/jellyfin/unhealthy_service', node: 'media' } },
    ],
    [
      'unsilence of nothing in force',
      req('unsilence', { target: 'media' }),
      {
        kind: 'reply',
        ephemeral: true,
        content: 'No silence in force for "media". /status lists the silences in force.',
      },
    ],
    [
      'non-operator may not unsilence',
      req('unsilence', { target: 'media' }, eve),
      { kind: 'reply', ephemeral: true, refused: true },
    ],
    ['help is private', req('help', {}, eve), { kind: 'reply', ephemeral: true }],
    [
      'ack of nothing open',
      req('ack', { incident: 'pi/offline_node' }),
      { kind: 'reply', content: 'No open incident "pi/offline\\_node". /incidents lists them.' },
    ],
  ])('%s', (_name, request, expected) => {
    expect(planCommand(request, view, NOW)).toMatchObject(expected);
  });

  it.each([
    [
      'approve with the runbook skill by default',
      req('approve', { fingerprint: 'media/jellyfin/unhealthy_service' }),
      {
        kind: 'append',
        input: {
          action: 'approve_remediation',
          node: 'media',
          fingerprint: 'media/jellyfin/unhealthy_service',
          skill: 'http-upstream-down',
        },
      },
    ],
    [
      'approve by an operator by role only: refused privately (the chain cannot show a role)',
      req('approve', { fingerprint: 'media/jellyfin/unhealthy_service' }, bob),
      { kind: 'reply', ephemeral: true, refused: true },
    ],
    [
      'approve a skill that does not match',
      req('approve', { fingerprint: 'media/jellyfin/unhealthy_service', skill: 'docker-oom' }),
      {
        kind: 'reply',
        ephemeral: true,
        content: expect.stringContaining('Matching: http-upstream-down, http-unhealthy.'),
      },
    ],
    [
      'pause the kill switch',
      req('remediation', { reason: 'backup' }, bob, 'pause'),
      { kind: 'append', input: { action: 'pause_remediation', reason: 'backup' } },
    ],
    [
      'resume when not paused',
      req('remediation', {}, alice, 'resume'),
      { kind: 'reply', content: 'Remediation is not paused; nothing changed.' },
    ],
  ])('%s', (_name, request, expected) => {
    const approvable = [
      {
        fingerprint: 'media/jellyfin/unhealthy_service',
        node: 'media',
        skills: ['http-upstream-down', 'http-unhealthy'],
      },
    ];
    expect(planCommand(request, { ...view, approvable }, NOW)).toMatchObject(expected);
  });

  it('buttons map to the same commands and the same authorization', () => {
    expect(planCommand(requestFromButton('ack:media/jellyfin/unhealthy_service', eve)!, view, NOW)).toMatchObject({
      refused: true,
    });
    expect(
      planCommand(requestFromButton('silence1h:media/jellyfin/unhealthy_service', alice)!, view, NOW),
    ).toMatchObject({ kind: 'append', input: { until: '2026-11-22T11:00:00Z' } });
    expect(requestFromButton('approve:http-unhealthy:media/jellyfin/unhealthy_service', alice)).toEqual({
      command: 'approve',
      options: { fingerprint: 'media/jellyfin/unhealthy_service', skill: 'http-unhealthy' },
      actor: alice,
    });
  });

  it('status lists nodes with the maintenance state status/ holds and open incidents', () => {
    expect(planCommand(req('status', {}), view, NOW)).toEqual({
      kind: 'reply',
      ephemeral: false,
      content:
        'Summary: **degraded**\n• **media**: 1 open incident\n• **pi** (EnteringMaintenance, drain 0/1 moved (3 stop with the node)): no open incidents\nNo silences in force.',
    });
  });

  it('autocompletes nodes and open incidents from the repo', () => {
    expect(autocompleteChoices('node', 'p', view)).toEqual([{ name: 'pi', value: 'pi' }]);
    expect(autocompleteChoices('incident', 'jelly', view)).toEqual([
      { name: 'media/jellyfin/unhealthy_service', value: 'media/jellyfin/unhealthy_service' },
    ]);
    expect(autocompleteChoices('target', 'med', view).map((choice) => choice.value)).toEqual([
      'media',
      'media/jellyfin/unhealthy_service',
    ]);
  });

  it('/status and /incidents over 2,000 characters keep whole lines and say where the rest is', () => {
    const nodes = Array.from({ length: 60 }, (_, index) => `node-${index}-`.padEnd(63, 'x'));
    const incidents = nodes.map((node) => ({ fingerprint: `${node}/offline_node`, node, severity: 'critical' }));
    for (const command of ['status', 'incidents']) {
      const plan = planCommand(req(command, {}), { ...view, nodes, incidents }, NOW);
      if (plan.kind !== 'reply') throw new Error('expected a reply');
      expect(plan.content.length).toBeLessThanOrEqual(2000);
      expect(plan.content).toMatch(
        /(incident|critical) … \(shortened to fit Discord; \/status and the dashboard show the rest\)$/,
      );
    }
  });
});
