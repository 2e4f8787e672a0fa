/**
 * Slash commands as registered per guild (the Discord API shape, so registration is one
 * PUT and tests compare the exact body). Mutating commands register with
 * `default_member_permissions: "0"` (hidden from non-admins by default), but guild admins
 * can change that, so the bot's own operator allowlist is the real gate.
 */
const STRING = 3;
const SUB_COMMAND = 1;

const node = (description = 'node name') => ({ type: STRING, name: 'node', description, required: true, autocomplete: true, max_length: 63 });
const reason = { type: STRING, name: 'reason', description: 'why (kept in chronicle/admin.jsonl)', required: false, max_length: 300 };

export const MUTATING = new Set(['maintenance', 'drain', 'cordon', 'uncordon', 'silence', 'ack']);

export const COMMANDS = [
  {
    name: 'maintenance',
    description: 'put a node into maintenance or take it out',
    default_member_permissions: '0',
    options: [
      { type: SUB_COMMAND, name: 'enter', description: 'drain the node and stop alerting for it', options: [node(), reason] },
      { type: SUB_COMMAND, name: 'exit', description: 'bring the node back (Recovery, then Active)', options: [node(), reason] },
    ],
  },
  { name: 'drain', description: 'move services off a node', default_member_permissions: '0', options: [node(), reason] },
  { name: 'cordon', description: 'no new placement on a node; running services stay', default_member_permissions: '0', options: [node(), reason] },
  { name: 'uncordon', description: 'allow placement on a node again', default_member_permissions: '0', options: [node(), reason] },
  {
    name: 'silence',
    description: 'mute alerts for a node or an incident',
    default_member_permissions: '0',
    options: [
      { type: STRING, name: 'target', description: 'node name or incident id', required: true, autocomplete: true, max_length: 200 },
      { type: STRING, name: 'duration', description: 'e.g. 30m, 2h, 1d, or "resolved"', required: true, max_length: 20 },
      reason,
    ],
  },
  {
    name: 'ack',
    description: 'acknowledge an incident: no more reminders for it',
    default_member_permissions: '0',
    options: [{ type: STRING, name: 'incident', description: 'incident id', required: true, autocomplete: true, max_length: 200 }],
  },
  { name: 'status', description: 'summary, nodes and open recommendations', options: [{ ...node('only this node'), required: false }] },
  { name: 'incidents', description: 'open incidents' },
] as const;
