import { describe, expect, it } from 'vitest';
import type { NodeMaintenance } from '../model/index.js';
import { maintenanceStates } from './from-model.js';
import { homelab, type AdminInput, type Observed, type Services } from './homelab.test-helper.js';

const T = (hhmm: string) => `2026-11-22T${hhmm}:00Z`;
const now = (hhmm: string) => Date.parse(T(hhmm));

const aHome: Observed = { at: T('09:00'), services: { web: 'ok', db: 'ok' } };
const bIdle: Observed = { at: T('09:00'), services: { cache: 'ok' } };
const bTookOver: Observed = { at: T('10:10'), services: { cache: 'ok', web: 'ok', db: 'ok' } };
const cIdle: Observed = { at: T('09:00'), services: {} };
const enterA: AdminInput = { at: T('10:00'), action: 'enter_maintenance', node: 'a', reason: 'disk swap' };
const exitA: AdminInput = { at: T('11:00'), action: 'exit_maintenance', node: 'a' };

interface Case {
  name: string;
  admin: AdminInput[];
  world: Record<string, Observed>;
  at: string;
  inventory?: Record<string, Services>;
  expect: Partial<NodeMaintenance> & { moved?: number; blockers?: string[]; node?: string };
}

// One row per transition of Active → EnteringMaintenance → Maintenance → ExitingMaintenance → Recovery → Active,
// plus DrainFailed and Cordoned. World snapshots are given with a heartbeat-free clock, so `at` is also liveness.
const timeline: Case[] = [
  {
    name: 'no events: Active',
    admin: [],
    world: { a: aHome, b: bIdle, c: cIdle },
    at: '09:05',
    expect: { state: 'Active', since: null },
  },
  {
    name: 'Active -> EnteringMaintenance: nothing moved yet, targets chosen from the failover list',
    admin: [enterA],
    world: { a: { ...aHome, at: T('10:05') }, b: { ...bIdle, at: T('10:05') }, c: { ...cIdle, at: T('10:05') } },
    at: '10:05',
    expect: { state: 'EnteringMaintenance', since: T('10:00'), until: T('11:00'), moved: 0, blockers: [] },
  },
  {
    name: 'EnteringMaintenance -> Maintenance once world shows every service healthy elsewhere',
    admin: [enterA],
    world: { a: { ...aHome, at: T('10:10') }, b: bTookOver, c: { ...cIdle, at: T('10:10') } },
    at: '10:12',
    expect: { state: 'Maintenance', since: T('10:10'), moved: 2 },
  },
  {
    name: 'DrainFailed (timeout): nothing moved within drain_timeout, temporary blockers',
    admin: [enterA],
    world: { a: { ...aHome, at: T('11:01') }, b: { ...bIdle, at: T('11:01') }, c: { ...cIdle, at: T('11:01') } },
    at: '11:01',
    expect: {
      state: 'DrainFailed',
      since: T('11:00'),
      moved: 0,
      blockers: [
        'temporary: db not yet observed running healthy on b',
        'temporary: web not yet observed running healthy on b',
      ],
    },
  },
  {
    name: 'a service without failover stops with the node and does not hold the drain back',
    inventory: { a: { web: ['b'], db: [] }, b: { cache: [] } },
    admin: [enterA],
    world: { a: { ...aHome, at: T('10:01') }, b: { ...bIdle, at: T('10:01') } },
    at: '10:01',
    expect: { state: 'EnteringMaintenance', since: T('10:00'), moved: 0, blockers: [] },
  },
  {
    name: 'Maintenance at once: no service has a failover list, nothing to move',
    inventory: { a: { web: [], db: [] }, b: { cache: [] } },
    admin: [enterA],
    world: { a: { ...aHome, at: T('10:01') }, b: { ...bIdle, at: T('10:01') } },
    at: '10:01',
    expect: { state: 'Maintenance', since: T('10:00'), moved: 0, blockers: [] },
  },
  {
    name: 'every failover target down: still entering (retrying) until the deadline',
    inventory: { a: { web: ['b'] }, b: { cache: [] } },
    admin: [enterA],
    world: {
      a: { ...aHome, at: T('10:01'), services: { web: 'ok' } },
      b: { ...bIdle, at: T('10:01'), status: 'offline' },
    },
    at: '10:01',
    expect: { state: 'EnteringMaintenance', blockers: ['temporary: every failover target of web is down (b offline)'] },
  },
  {
    name: 'DrainFailed (timeout): every failover target still down at drain_timeout',
    inventory: { a: { web: ['b'], db: [] }, b: { cache: [] } },
    admin: [enterA],
    world: {
      a: { ...aHome, at: T('11:01'), services: { web: 'ok', db: 'ok' } },
      b: { ...bIdle, at: T('11:01'), status: 'offline' },
    },
    at: '11:01',
    expect: {
      state: 'DrainFailed',
      since: T('11:00'),
      blockers: ['temporary: every failover target of web is down (b offline)'],
    },
  },
  {
    name: 'target cordoned: temporary blocker, still entering (retrying) until the deadline',
    inventory: { a: { web: ['b'] }, b: { cache: [] } },
    admin: [{ at: T('09:30'), action: 'cordon', node: 'b' }, enterA],
    world: { a: { ...aHome, at: T('10:01'), services: { web: 'ok' } }, b: { ...bIdle, at: T('10:01') } },
    at: '10:01',
    expect: {
      state: 'EnteringMaintenance',
      blockers: ['temporary: no failover target for web available right now (b cordoned); retrying'],
    },
  },
  {
    name: 'Maintenance -> ExitingMaintenance: exit requested, node not back yet',
    admin: [enterA, exitA],
    world: {
      a: { ...aHome, at: T('10:10'), status: 'offline' },
      b: { ...bTookOver, at: T('11:05') },
      c: { ...cIdle, at: T('11:05') },
    },
    at: '11:05',
    expect: { state: 'ExitingMaintenance', since: T('11:00'), until: T('12:00') },
  },
  {
    name: 'ExitingMaintenance -> Recovery: online with every service healthy, seen after the exit',
    admin: [enterA, exitA],
    world: { a: { ...aHome, at: T('11:04') }, b: { ...bTookOver, at: T('11:05') }, c: { ...cIdle, at: T('11:05') } },
    at: '11:06',
    expect: { state: 'Recovery', since: T('11:04'), until: T('11:14') },
  },
  {
    name: 'a snapshot from before the exit does not count as back',
    admin: [enterA, exitA],
    world: { a: { ...aHome, at: T('10:58') }, b: { ...bTookOver, at: T('11:05') }, c: { ...cIdle, at: T('11:05') } },
    at: '11:06',
    expect: { state: 'ExitingMaintenance' },
  },
  {
    name: 'Recovery -> Active after recovery_window',
    admin: [enterA, exitA],
    world: { a: { ...aHome, at: T('11:04') }, b: { ...bTookOver, at: T('11:14') }, c: { ...cIdle, at: T('11:14') } },
    at: '11:14',
    expect: { state: 'Active', since: T('11:14') },
  },
  {
    name: 'exit that never completes: drift is raised again after drain_timeout',
    admin: [enterA, exitA],
    world: {
      a: { ...aHome, at: T('12:01'), services: { web: 'failed', db: 'ok' } },
      b: { ...bTookOver, at: T('12:01') },
      c: { ...cIdle, at: T('12:01') },
    },
    at: '12:01',
    expect: { state: 'Active', since: T('12:00') },
  },
  {
    name: 're-entry during ExitingMaintenance starts a new maintenance',
    admin: [enterA, exitA, { at: T('11:02'), action: 'enter_maintenance', node: 'a', reason: 'again' }],
    world: {
      a: { ...aHome, at: T('10:10'), status: 'offline' },
      b: { ...bTookOver, at: T('11:05') },
      c: { ...cIdle, at: T('11:05') },
    },
    at: '11:05',
    expect: { state: 'Maintenance', since: T('11:05'), reason: 'again', seq: 3 }, // since: the observation showing the drain complete
  },
  {
    name: 'entering twice is one transition (the first entry time stands)',
    admin: [enterA, { ...enterA, at: T('10:20') }],
    world: { a: { ...aHome, at: T('10:25') }, b: { ...bIdle, at: T('10:25') }, c: { ...cIdle, at: T('10:25') } },
    at: '10:25',
    expect: { state: 'EnteringMaintenance', since: T('10:00'), seq: 1 },
  },
  {
    name: 'cordon + maintenance together: after recovery the node is still Cordoned',
    admin: [{ at: T('09:30'), action: 'cordon', node: 'a' }, enterA, exitA],
    world: { a: { ...aHome, at: T('11:10') }, b: { ...bTookOver, at: T('11:20') }, c: { ...cIdle, at: T('11:20') } },
    at: '11:21',
    expect: { state: 'Cordoned', cordoned: true, since: T('11:20') },
  },
  {
    name: 'cordon + maintenance together: cordoned stays visible while in maintenance',
    admin: [{ at: T('09:30'), action: 'cordon', node: 'a' }, enterA],
    world: { a: { ...aHome, at: T('10:10') }, b: bTookOver, c: { ...cIdle, at: T('10:10') } },
    at: '10:12',
    expect: { state: 'Maintenance', cordoned: true },
  },
  {
    name: 'uncordon cancels a failed drain: Active at once',
    inventory: { a: { web: ['b'], db: [] }, b: { cache: [] } },
    admin: [enterA, { at: T('10:03'), action: 'uncordon', node: 'a' }],
    world: { a: { ...aHome, at: T('10:04') }, b: { ...bIdle, at: T('10:04') } },
    at: '10:04',
    expect: { state: 'Active', since: T('10:03'), cordoned: false },
  },
  {
    name: 'exit on an Active node changes nothing',
    admin: [exitA],
    world: { a: { ...aHome, at: T('11:05') }, b: { ...bIdle, at: T('11:05') }, c: { ...cIdle, at: T('11:05') } },
    at: '11:05',
    expect: { state: 'Active', since: null },
  },
  {
    name: 'a node in Recovery is not chosen as failover target (no thrash): the next one is',
    inventory: { a: { web: ['b', 'c'] }, b: { cache: [] }, c: {} },
    admin: [
      { at: T('10:00'), action: 'enter_maintenance', node: 'b' },
      { at: T('10:30'), action: 'exit_maintenance', node: 'b' },
      { at: T('10:40'), action: 'enter_maintenance', node: 'a' },
    ],
    world: {
      a: { ...aHome, at: T('10:41'), services: { web: 'ok' } },
      b: { ...bIdle, at: T('10:35') },
      c: { ...cIdle, at: T('10:41') },
    },
    at: '10:41',
    expect: { state: 'EnteringMaintenance', moved: 0 },
  },
];

describe('deriveNodeStates: timeline', () => {
  it.each(timeline)('$name', ({ admin, world, at, inventory, expect: wanted }) => {
    const model = homelab({ ...(inventory ? { inventory } : {}), world, admin });
    expect(model.admin.break).toBeUndefined();
    const states = maintenanceStates(model, now(at));
    const { moved, blockers, node = 'a', ...fields } = wanted;
    const state = states.get(node)!;
    expect(state).toMatchObject(fields);
    if (moved !== undefined) expect(state.drain?.moved).toBe(moved);
    if (blockers !== undefined)
      expect(state.drain?.blockers.map((b) => `${b.kind}: ${b.reason}`).sort()).toEqual(blockers);
  });

  it('picks the first valid target in the failover list, skipping a node in Recovery', () => {
    const row = timeline.at(-1)!;
    const states = maintenanceStates(
      homelab({ inventory: row.inventory!, world: row.world, admin: row.admin }),
      now(row.at),
    );
    expect(states.get('b')).toMatchObject({ state: 'Recovery' });
    expect(states.get('a')!.drain!.services).toEqual({ web: { target: 'c', moved: false } });
  });

  it('a failed drain names its ways out', () => {
    const world = {
      a: { ...aHome, at: T('11:01'), services: { web: 'ok' } },
      b: { ...bIdle, at: T('11:01'), status: 'offline' },
    } as const;
    const states = maintenanceStates(
      homelab({ inventory: { a: { web: ['b'], db: [] }, b: { cache: [] } }, world, admin: [enterA] }),
      now('11:01'),
    );
    expect(states.get('a')!.drain!.ways_out).toEqual([
      'bring a failover target back online',
      'wait: the blockers may clear by themselves, and the drain retries every run',
      'labwarden maintenance exit a (keep its services where they are)',
      'labwarden maintenance uncordon a (cancel the drain; the node takes placements again)',
    ]);
    expect(states.get('a')!.drain!.services.db).toEqual({ target: null, moved: false, no_failover: true });
  });

  it('two replicas folding the same chain reach the same states, whatever the order files are read in', () => {
    const admin: AdminInput[] = [
      { at: T('09:30'), action: 'cordon', node: 'c' },
      enterA,
      exitA,
      { ...enterA, at: T('11:02') },
    ];
    const world = {
      a: { ...aHome, at: T('11:04') },
      b: { ...bTookOver, at: T('11:05') },
      c: { ...cIdle, at: T('11:05') },
    };
    const one = homelab({ world, admin });
    const reversed = Object.fromEntries(Object.entries(world).reverse());
    const two = homelab({
      world: reversed,
      admin,
      inventory: { c: {}, b: { cache: [] }, a: { web: ['b', 'c'], db: ['b'] } } satisfies Record<string, Services>,
    });
    const a = JSON.stringify([...maintenanceStates(one, now('11:06'))]);
    const b = JSON.stringify([...maintenanceStates(two, now('11:06'))]);
    expect(a).toBe(b);
    expect(JSON.parse(a)).toHaveLength(3);
  });
});
