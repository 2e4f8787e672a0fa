import { describe, expect, it } from 'vitest';
import { renderProblem } from '../errors/problem.js';
import { modelFrom } from '../../test/helpers/memory.js';

const render = (files: Record<string, string>, dirs: string[] = []) =>
  modelFrom(files, dirs).problems.map(renderProblem);

const SERVICES = 'inventory/hosts/node1/services.yaml';

describe('validation reports every problem with file:line:col', () => {
  it.each([
    [
      'unknown key with a suggestion',
      { [SERVICES]: 'services:\n  - name: web\n    critcal: true\n' },
      [`${SERVICES}:3:5 services[0]: unknown key "critcal" (did you mean "critical"?)`],
    ],
    [
      'wrong type',
      { [SERVICES]: 'services:\n  - name: web\n    critical: "yes"\n' },
      [`${SERVICES}:3:15 services[0].critical: expected boolean, found "yes"`],
    ],
    [
      'bad service name',
      { [SERVICES]: 'services:\n  - name: ../etc\n' },
      [
        `${SERVICES}:2:11 services[0].name: expected a name of lowercase letters, digits and inner dashes (at most 63 characters), found "../etc"`,
      ],
    ],
    [
      'YAML syntax error',
      { [SERVICES]: 'services:\n  - name: [web\n' },
      [expect.stringMatching(new RegExp(`^${SERVICES}:\\d+:\\d+ `))],
    ],
    [
      'duplicate key',
      { [SERVICES]: 'services:\n  - name: web\n    name: api\n' },
      [`${SERVICES}:3:5 duplicate key "name": a key may appear once per mapping`],
    ],
    [
      'duplicate service',
      { [SERVICES]: 'services:\n  - name: web\n  - name: web\n' },
      [`${SERVICES}:3:11 services[1].name: "web" is listed twice on node1`],
    ],
    [
      'unknown dependency and failover',
      { [SERVICES]: 'services:\n  - name: web\n    depends_on: [db, node9/redis]\n    failover: [node2]\n' },
      [
        `${SERVICES}:3:18 services[0].depends_on[0]: unknown service "node1/db"`,
        `${SERVICES}:3:22 services[0].depends_on[1]: unknown node "node9" (did you mean "node1"?)`,
        `${SERVICES}:4:16 services[0].failover[0]: unknown node "node2" (did you mean "node1"?)`,
      ],
    ],
    [
      'dependency cycle',
      { [SERVICES]: 'services:\n  - name: a\n    depends_on: [b]\n  - name: b\n    depends_on: [a]\n' },
      [`${SERVICES}:5:18 services[1].depends_on[0]: dependency cycle node1/a -> node1/b -> node1/a`],
    ],
    [
      'bad enum in a world snapshot',
      {
        [SERVICES]: 'services: []\n',
        'world/nodes/node1.yaml': 'node: node1\nobserved_at: 2026-11-22T10:00:00Z\nstatus: up\n',
      },
      ['world/nodes/node1.yaml:3:9 status: expected one of online, offline, found "up"'],
    ],
    [
      'snapshot for another node',
      {
        [SERVICES]: 'services: []\n',
        'world/nodes/node1.yaml': 'node: node2\nobserved_at: 2026-11-22T10:00:00Z\nstatus: online\n',
      },
      ['world/nodes/node1.yaml:1:7 node: "node2" does not match the file name (expected "node1")'],
    ],
    [
      'bad timestamp and missing field in JSON',
      {
        [SERVICES]: 'services: []\n',
        'world/nodes/node1.json': '{\n  "node": "node1",\n  "observed_at": "yesterday"\n}\n',
      },
      [
        'world/nodes/node1.json:1:1 status: missing (expected one of online, offline)',
        'world/nodes/node1.json:3:18 observed_at: expected an RFC 3339 timestamp such as 2026-11-22T10:00:00Z, found "yesterday"',
      ],
    ],
    [
      'YAML in a .json snapshot: one line, the quoted text escaped',
      { [SERVICES]: 'services: []\n', 'world/nodes/node1.json': 'nod: x\nobserved_at: 2026-11-22T10:00:00Z\n' },
      // The quoted excerpt's length is Node's choice; what matters is one line, newline escaped.
      [
        expect.stringMatching(
          /^world\/nodes\/node1\.json:1:1 Unexpected token 'o', "nod: x\\nob[^\n]*is not valid JSON$/,
        ),
      ],
    ],
    [
      'a trailing comma (fine in YAML, not in JSON): the position JSON.parse names',
      { [SERVICES]: 'services: []\n', 'world/nodes/node1.json': '{\n  "node": "node1",\n}\n' },
      ['world/nodes/node1.json:3:1 Expected double-quoted property name in JSON'],
    ],
    [
      'policy duration',
      { 'inventory/policy.yaml': 'stale_after: 15 minutes\n' },
      ['inventory/policy.yaml:1:14 stale_after: expected a duration such as 30s, 15m, 1h30m or 2d, found "15 minutes"'],
    ],
    [
      'empty services.yaml (comments only)',
      { [SERVICES]: '# yaml-language-server: $schema=../../../schema/services.schema.json\n\n' },
      [
        `${SERVICES}:1:1 file is empty (only comments); list the node's services, or write \`services: []\` if it runs none`,
      ],
    ],
    [
      'empty world snapshot',
      { [SERVICES]: 'services: []\n', 'world/nodes/node1.json': ' \n' },
      ['world/nodes/node1.json:1:1 file is empty'],
    ],
    [
      'empty host.yaml; a comment-only one (what init writes) means all defaults',
      {
        [SERVICES]: 'services: []\n',
        'inventory/hosts/node1/host.yaml': '\n',
        'inventory/hosts/node2/host.yaml': '# role: x\n',
      },
      ["inventory/hosts/node1/host.yaml:1:1 file is empty; add the host's keys (e.g. `address:`) or delete the file"],
    ],
    [
      'schema and cross-file problems of one file at once',
      {
        [SERVICES]:
          'services:\n  - name: Bad\n  - name: db\n    depends_on: [db]\n    failover: [node1]\n  - name: db\n',
      },
      [
        `${SERVICES}:2:11 services[0].name: expected a name of lowercase letters, digits and inner dashes (at most 63 characters), found "Bad"`,
        `${SERVICES}:4:18 services[1].depends_on[0]: node1/db depends on itself`,
        `${SERVICES}:5:16 services[1].failover[0]: "node1" is the service's own node; list other nodes`,
        `${SERVICES}:6:11 services[2].name: "db" is listed twice on node1`,
      ],
    ],
    [
      'a duplicate of an entry that has problems of its own',
      { [SERVICES]: 'services:\n  - name: db\n    critical: maybe\n  - name: db\n' },
      [
        `${SERVICES}:3:15 services[0].critical: expected boolean, found "maybe"`,
        `${SERVICES}:4:11 services[1].name: "db" is listed twice on node1`,
      ],
    ],
    [
      'a snapshot with schema problems, for another node, a service listed twice: all at once',
      {
        [SERVICES]: 'services: []\n',
        'world/nodes/node1.yaml':
          'node: node2\nobserved_at: nope\nstatus: online\nservices:\n  - { name: a, status: ok }\n  - { name: a, status: ok }\n',
      },
      [
        'world/nodes/node1.yaml:1:7 node: "node2" does not match the file name (expected "node1")',
        'world/nodes/node1.yaml:2:14 observed_at: expected an RFC 3339 timestamp such as 2026-11-22T10:00:00Z, found "nope"',
        'world/nodes/node1.yaml:6:13 services[1].name: "a" is listed twice',
      ],
    ],
    [
      'a reference into an entry with problems is not reported twice; one to a missing service is',
      {
        [SERVICES]: 'services:\n  - name: web\n    depends_on: [node2/db, node2/cache]\n',
        'inventory/hosts/node2/services.yaml': 'services:\n  - name: db\n    critical: maybe\n',
      },
      [
        `${SERVICES}:3:28 services[0].depends_on[1]: unknown service "node2/cache"`,
        'inventory/hosts/node2/services.yaml:3:15 services[0].critical: expected boolean, found "maybe"',
      ],
    ],
    [
      'chronicle line',
      { 'chronicle/extra.jsonl': '{"a":1}\nnot json\n{"b":2}\n' },
      ['chronicle/extra.jsonl:2:1 corrupt line: not JSON'],
    ],
    [
      'notification line not matching the log contract',
      {
        'chronicle/notifications.jsonl':
          '{"id":"a","at":"2026-11-22T10:00:00Z","type":"outbox","state":"queued","message":"m"}\n{"id":"b","type":"note"}\n',
      },
      [
        "chronicle/notifications.jsonl:2:1 corrupt line: type: Invalid discriminator value. Expected 'decision' | 'outbox'",
      ],
    ],
    [
      'incident line not matching the chronicle contract',
      { 'chronicle/incidents.jsonl': '{"a":1}\n' },
      ['chronicle/incidents.jsonl:1:1 corrupt line: id: Invalid input: expected string, received undefined'],
    ],
  ])('%s', (_name, files, expected) => {
    expect(render(files as Record<string, string>)).toEqual(expected);
  });

  it('rejects a node folder that is not a valid name', () => {
    expect(render({}, ['Node_1'])).toEqual([
      'inventory/hosts/Node_1:1:1 node folder "Node_1" is not a valid name: expected lowercase letters, digits and inner dashes',
    ]);
  });

  it('reports all problems across files at once, sorted', () => {
    const problems = render({
      'inventory/hosts/a/services.yaml': 'services:\n  - name: x\n    critcal: true\n',
      'inventory/hosts/b/services.yaml': 'services:\n  - name: y\n    failover: [zz]\n',
      'inventory/policy.yaml': 'stale_after: soon\n',
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'inventory/hosts/a/services.yaml',
      'inventory/hosts/b/services.yaml',
      'inventory/policy.yaml',
    ]);
  });

  it('treats world problems as non-fatal and marks the node invalid', () => {
    const model = modelFrom({
      [SERVICES]: 'services: []\n',
      'world/nodes/node1.yaml': 'node: node1\nobserved_at: nope\nstatus: online\n',
    });
    expect(model.fatal).toEqual([]);
    expect(model.problems).toHaveLength(1);
    expect(model.world.get('node1')).toMatchObject({ kind: 'invalid' });
  });
});
