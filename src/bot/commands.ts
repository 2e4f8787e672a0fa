/**
 * Slash commands as registered per guild (the Discord API shape, so registration is one
 * PUT and tests compare the exact body). Mutating commands register with
 * `default_member_permissions: "0"` (hidden from non-admins by default), but guild admins
 * can change that, so the bot's own operator allowlist is the real gate.
 */
const STRING = 3;
const SUB_COMMAND = 1;

const node = (description = 'node name') => ({
  type: STRING,
  name: 'node',
  description,
  required: true,
  autocomplete: true,
  max_length: 63,
});
const reason = {
  type: STRING,
  name: 'reason',
  description: 'why (kept in chronicle/admin.jsonl)',
  required: false,
  max_length: 300,
};

export const MUTATING = new Set([
  'maintenance',
  'drain',
  'cordon',
  'uncordon',
  'silence',
  'unsilence',
  'ack',
  'approve',
  'remediation',
]);

/** Answered only to the person who asked (the deferral itself is ephemeral). */
export const PRIVATE = new Set(['help']);

/** /silence's preset durations (offered by autocomplete; any other duration may be typed). */
export const SILENCE_PRESETS = [
  { name: '15 minutes', value: '15m' },
  { name: '1 hour', value: '1h' },
  { name: '4 hours', value: '4h' },
  { name: '1 day', value: '1d' },
  { name: '1 week', value: '1w' },
] as const;

export const COMMANDS = [
  {
    name: 'maintenance',
    description: 'put a node into maintenance or take it out',
    default_member_permissions: '0',
    options: [
      {
        type: SUB_COMMAND,
        name: 'enter',
        description: 'drain the node and stop alerting for it',
        options: [node(), reason],
      },
      {
        type: SUB_COMMAND,
        name: 'exit',
        description: 'bring the node back (Recovery, then Active)',
        options: [node(), reason],
      },
    ],
  },
  {
    name: 'drain',
    description: 'move services off a node',
    default_member_permissions: '0',
    options: [node(), reason],
  },
  {
    name: 'cordon',
    description: 'no new placement on a node; running services stay',
    default_member_permissions: '0',
    options: [node(), reason],
  },
  {
    name: 'uncordon',
    description: 'allow placement on a node again',
    default_member_permissions: '0',
    options: [node(), reason],
  },
  {
    name: 'silence',
    description: 'mute alerts for a node or an incident',
    default_member_permissions: '0',
    options: [
      {
        type: STRING,
        name: 'target',
        description: 'node name or incident id',
        required: true,
        autocomplete: true,
        max_length: 200,
      },
      {
        type: STRING,
        name: 'duration',
        description: 'pick 15m, 1h, 4h, 1d, 1w, or type e.g. 30m or "resolved"',
        required: true,
        autocomplete: true,
        max_length: 20,
      },
      reason,
    ],
  },
  {
    name: 'unsilence',
    description: 'lift a silence before it ends',
    default_member_permissions: '0',
    options: [
      {
        type: STRING,
        name: 'target',
        description: 'a silence in force (node, service or incident)',
        required: true,
        autocomplete: true,
        max_length: 200,
      },
      reason,
    ],
  },
  {
    name: 'ack',
    description: 'acknowledge an incident: no more reminders for it',
    default_member_permissions: '0',
    options: [
      {
        type: STRING,
        name: 'incident',
        description: 'incident id',
        required: true,
        autocomplete: true,
        max_length: 200,
      },
    ],
  },
  {
    name: 'approve',
    description: 'approve the remediation of an open recommendation (appends approve_remediation)',
    default_member_permissions: '0',
    options: [
      {
        type: STRING,
        name: 'fingerprint',
        description: 'the recommendation, node/service/drift',
        required: true,
        autocomplete: true,
        max_length: 200,
      },
      {
        type: STRING,
        name: 'skill',
        description: 'the skill approved (default: the runbook, the most specific matching one)',
        required: false,
        autocomplete: true,
        max_length: 63,
      },
    ],
  },
  {
    name: 'remediation',
    description: 'the kill switch: pause or resume every remediation',
    default_member_permissions: '0',
    options: [
      {
        type: SUB_COMMAND,
        name: 'pause',
        description: 'stop every remediation: no executor acts until resumed',
        options: [reason],
      },
      { type: SUB_COMMAND, name: 'resume', description: 'allow approved remediations again' },
    ],
  },
  {
    name: 'status',
    description: 'summary, nodes, maintenance and silences in force',
    options: [{ ...node('only this node'), required: false }],
  },
  { name: 'incidents', description: 'open incidents' },
  { name: 'help', description: 'what each command does and who may use it (only you see the answer)' },
] as const;
