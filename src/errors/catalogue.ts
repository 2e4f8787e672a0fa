/**
 * Every input problem labwarden reports, as data: what happened is the message, the hint
 * says what to do. Codes are a closed union so tests and docs can list them.
 */
export const PROBLEMS = {
  yaml_syntax: {
    title: 'YAML syntax error',
    hint: 'Fix the YAML at that position; quote values containing ": " or "#".',
  },
  json_syntax: { title: 'JSON syntax error', hint: 'Fix the JSON at that position.' },
  duplicate_key: {
    title: 'Duplicate key',
    hint: 'A key may appear once per mapping; remove or merge the repeated one.',
  },
  unknown_key: { title: 'Unknown key', hint: 'Check the spelling against the file format in the README.' },
  invalid_value: {
    title: 'Invalid value',
    hint: 'See the file format in the README or the JSON Schema from `labwarden schema`.',
  },
  bad_name: {
    title: 'Invalid name',
    hint: 'Names are lowercase letters, digits and inner dashes, at most 63 characters.',
  },
  duplicate_service: { title: 'Duplicate service', hint: 'Each service appears once per node.' },
  node_mismatch: {
    title: 'Snapshot names another node',
    hint: 'The snapshot file world/nodes/<node> must say `node: <node>`.',
  },
  unknown_node: { title: 'Unknown node', hint: 'A node exists when inventory/hosts/<node>/ exists.' },
  unknown_service: { title: 'Unknown service', hint: 'Refer to a service listed in the services.yaml of that node.' },
  dependency_cycle: {
    title: 'Dependency cycle',
    hint: 'Services cannot depend on each other in a circle; remove one depends_on entry.',
  },
  duplicate_snapshot: {
    title: 'Two snapshots for one node',
    hint: 'Keep either world/nodes/<node>.yaml or .json, not both.',
  },
  symlink_escape: {
    title: 'Symlink leaves the repository',
    hint: 'labwarden reads and writes only files inside the repository and outside .git/: replace the symlink with the file itself.',
  },
  not_a_file: {
    title: 'Not a file',
    hint: 'Remove or rename the entry so the path is a regular file (inside a directory).',
  },
  file_too_large: {
    title: 'File too large',
    hint: 'See the limits in docs/formats.md; a world file holds one node and stays small.',
  },
  alias_expansion: {
    title: 'YAML aliases expand too far',
    hint: 'Anchors and aliases may save typing, but the file with every alias written out must stay within the file size limit (docs/formats.md).',
  },
  too_many_entries: {
    title: 'Too many entries',
    hint: 'See the limits in docs/formats.md; split the node or remove stale entries.',
  },
  unreadable_file: { title: 'Unreadable file', hint: 'Check the file exists and is readable.' },
  empty_file: {
    title: 'Empty file',
    hint:
      'An empty file is usually an interrupted write or a wrong save: write its content ' +
      '(`services: []` for a node that runs none), or delete it where it is optional.',
  },
  unknown_file: {
    title: 'Unknown file',
    hint:
      'A node is a folder inventory/hosts/<node>/ holding host.yaml and services.yaml; ' +
      'labwarden reads no other file there, so rename or move it.',
  },
  invalid_utf8: {
    title: 'Invalid UTF-8',
    hint:
      'labwarden reads text as UTF-8: save the file as UTF-8 (most editors: "save with encoding"), ' +
      'or retype the character.',
  },
  no_services_file: {
    title: 'Node without services.yaml (warning)',
    hint:
      'Add inventory/hosts/<node>/services.yaml (`services: []` if the node runs none); ' +
      'without it every service observed there is unmanaged.',
  },
  empty_node_folder: {
    title: 'Empty node folder (warning)',
    hint: 'git does not store empty folders: add host.yaml and services.yaml, or remove the folder.',
  },
  admin_chain: {
    title: 'Broken admin chain',
    hint: 'chronicle/admin.jsonl is append-only and hash-chained: restore it from git (`git log -p chronicle/admin.jsonl`, then `git checkout <commit> -- chronicle/admin.jsonl`) and re-issue the lost commands.',
  },
  chronicle_line: {
    title: 'Invalid chronicle line',
    hint: 'Chronicle files are JSON Lines: one JSON object per line.',
  },
  chronicle_partial_line: {
    title: 'Partial last chronicle line',
    hint: 'An append was interrupted; `labwarden reconcile` truncates the partial line (and only it) on its next run.',
  },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;
