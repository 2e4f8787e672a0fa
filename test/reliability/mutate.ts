import fc from 'fast-check';
import * as jsYaml from 'js-yaml';

/** Characters that matter to YAML and JSON, so text mutations hit the parsers' edges. */
const SPECIAL = [
  ':',
  '-',
  ' ',
  '\n',
  '\t',
  '[',
  ']',
  '{',
  '}',
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  ',',
  '?',
  '\\',
  '\u00a0',
  '\ufeff',
  '0',
  'x',
  'null',
  '~',
  ': ',
  '- ',
  '---\n',
  '\r\n',
];
const junk = fc
  .array(
    fc.oneof(
      fc.constantFrom(...SPECIAL),
      fc.string({ maxLength: 4 }),
      fc.constantFrom('services', 'name', 'status', 'depends_on', 'node', 'at', 'ok'),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => parts.join(''));

export type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate-line'; line: number }
  | { kind: 'swap-lines'; a: number; b: number }
  | { kind: 'indent'; line: number; by: number }
  | { kind: 'replace-value'; pick: number; value: unknown }
  | { kind: 'delete-key'; pick: number }
  | { kind: 'add-key'; pick: number; key: string; value: unknown };

/** Mutations of the file as a whole (issue 19): they change its bytes or its name, not its text. */
export type FileMutation =
  | Mutation
  | { kind: 'empty'; text: '' | ' \n' | '# nothing here\n' }
  | { kind: 'bad-byte'; at: number; bytes: number[] }
  | { kind: 'misname'; name: 'services.yml' | 'Services.yaml' | 'host.yml' | 'notes.txt' }
  | { kind: 'remove' };

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('2026-11-22T10:00:00Z', 'node-0001', 'ok', 'failed', 'BAD NAME', '../etc', '15m', -1, 1e308),
);

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc
  .oneof(
    fc.record({ kind: fc.constant('insert' as const), at: fraction, text: junk }),
    fc.record({ kind: fc.constant('delete' as const), at: fraction, length: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fraction }),
    fc.record({ kind: fc.constant('duplicate-line' as const), line: fraction }),
    fc.record({ kind: fc.constant('swap-lines' as const), a: fraction, b: fraction }),
    fc.record({ kind: fc.constant('indent' as const), line: fraction, by: fc.integer({ min: -4, max: 4 }) }),
    fc.record({ kind: fc.constant('replace-value' as const), pick: fraction, value: anyValue }),
    fc.record({ kind: fc.constant('delete-key' as const), pick: fraction }),
    fc.record({
      kind: fc.constant('add-key' as const),
      pick: fraction,
      key: fc.constantFrom('extra', 'servics', 'name', 'status', 'critical', '__proto__', 'constructor'),
      value: anyValue,
    }),
  )
  .map((mutation) => mutation as Mutation);

/** Bytes that are never valid UTF-8 where they stand: a lone Latin-1 é, a stray continuation, an overlong form, a surrogate. */
const BAD_BYTES = [[0xe9], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]];

export const fileMutationArbitrary: fc.Arbitrary<FileMutation> = fc
  .oneof(
    { arbitrary: mutationArbitrary, weight: 6 },
    {
      arbitrary: fc.record({
        kind: fc.constant('empty' as const),
        text: fc.constantFrom('' as const, ' \n' as const, '# nothing here\n' as const),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('bad-byte' as const),
        at: fraction,
        bytes: fc.constantFrom(...BAD_BYTES),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('misname' as const),
        name: fc.constantFrom(
          'services.yml' as const,
          'Services.yaml' as const,
          'host.yml' as const,
          'notes.txt' as const,
        ),
      }),
      weight: 1,
    },
    { arbitrary: fc.constant({ kind: 'remove' as const }), weight: 1 },
  )
  .map((mutation) => mutation as FileMutation);

/**
 * Applies a file mutation: where the file ends up (`path`, null when removed) and its bytes.
 * A misnamed file moves to a sibling name only inside a node folder; elsewhere it stays.
 */
export function mutateFile(
  path: string,
  text: string,
  mutation: FileMutation,
): { path: string | null; content: string | Buffer } {
  switch (mutation.kind) {
    case 'empty':
      return { path, content: mutation.text };
    case 'bad-byte': {
      const bytes = Buffer.from(text);
      const at = Math.floor(mutation.at * (bytes.length + 1));
      return { path, content: Buffer.concat([bytes.subarray(0, at), Buffer.from(mutation.bytes), bytes.subarray(at)]) };
    }
    case 'misname': {
      const node = /^(inventory\/hosts\/[^/]+)\/[^/]+$/.exec(path);
      return { path: node ? `${node[1]}/${mutation.name}` : path, content: text };
    }
    case 'remove':
      return { path: null, content: '' };
    default:
      return { path, content: mutate(path, text, mutation) };
  }
}

type Container = Record<string, unknown> | unknown[];

/** Every object and array inside `value`, depth first. */
function containers(value: unknown, out: Container[] = []): Container[] {
  if (value !== null && typeof value === 'object') {
    out.push(value as Container);
    for (const child of Object.values(value)) containers(child, out);
  }
  return out;
}

const nth = <T>(items: readonly T[], f: number) => items[Math.min(items.length - 1, Math.floor(f * items.length))];

function mutateData(path: string, text: string, mutation: Mutation): string {
  const json = path.endsWith('.json');
  const lines = path.endsWith('.jsonl') ? text.split('\n') : undefined;
  if (lines) {
    // One line of a JSON Lines file, mutated as data.
    const index = Math.floor(('pick' in mutation ? mutation.pick : 0) * Math.max(1, lines.length - 1));
    let value: unknown;
    try {
      value = JSON.parse(lines[index] ?? '{}');
    } catch {
      return text;
    }
    lines[index] = JSON.stringify(applyData(value, mutation));
    return lines.join('\n');
  }
  let value: unknown;
  try {
    value = json ? JSON.parse(text) : jsYaml.load(text);
  } catch {
    return text;
  }
  const mutated = applyData(value, mutation);
  return json ? JSON.stringify(mutated, null, 2) : jsYaml.dump(mutated, { lineWidth: -1 });
}

function applyData(value: unknown, mutation: Mutation): unknown {
  const all = containers(value);
  if (all.length === 0) return mutation.kind === 'replace-value' ? mutation.value : value;
  const target = nth(all, 'pick' in mutation ? mutation.pick : 0)!;
  const keys = Object.keys(target);
  if (mutation.kind === 'replace-value') {
    if (keys.length === 0) return mutation.value;
    (target as Record<string, unknown>)[nth(keys, mutation.pick)!] = mutation.value;
  } else if (mutation.kind === 'delete-key' && keys.length > 0) {
    if (Array.isArray(target)) target.splice(Number(nth(keys, mutation.pick)), 1);
    else delete target[nth(keys, mutation.pick)!];
  } else if (mutation.kind === 'add-key') {
    if (Array.isArray(target)) target.push(mutation.value);
    else
      Object.defineProperty(target, mutation.key, {
        value: mutation.value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
  }
  return value;
}

/** Applies one mutation to a file's text; the result may be anything, valid or not. */
export function mutate(path: string, text: string, mutation: Mutation): string {
  const lines = text.split('\n');
  const lineAt = (f: number) => Math.min(lines.length - 1, Math.floor(f * lines.length));
  switch (mutation.kind) {
    case 'insert': {
      const at = Math.floor(mutation.at * (text.length + 1));
      return text.slice(0, at) + mutation.text + text.slice(at);
    }
    case 'delete': {
      const at = Math.floor(mutation.at * text.length);
      return text.slice(0, at) + text.slice(at + mutation.length);
    }
    case 'truncate':
      return text.slice(0, Math.floor(mutation.at * text.length));
    case 'duplicate-line': {
      const line = lineAt(mutation.line);
      lines.splice(line, 0, lines[line]!);
      return lines.join('\n');
    }
    case 'swap-lines': {
      const a = lineAt(mutation.a);
      const b = lineAt(mutation.b);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    case 'indent': {
      const line = lineAt(mutation.line);
      lines[line] = mutation.by >= 0 ? ' '.repeat(mutation.by) + lines[line] : lines[line]!.slice(-mutation.by);
      return lines.join('\n');
    }
    default:
      return mutateData(path, text, mutation);
  }
}
