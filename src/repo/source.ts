import * as jsYaml from 'js-yaml';
import { LineCounter, parseDocument, isMap, isSeq, isPair, isScalar, visit, type Document, type Node } from 'yaml';
import { LIMITS } from '../model/limits.js';
import type { z } from 'zod';
import type { Problem } from '../errors/problem.js';
import type { ProblemCode } from '../errors/catalogue.js';
import { closest } from './suggest.js';

/** A file as read from the repo: its path relative to the repo root (posix) and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

type Segment = string | number;

/**
 * Parses and validates one file. The fast parser (js-yaml, or JSON.parse) handles the
 * common case; positions are needed only to report problems, so the position-keeping
 * `yaml` document is built only when something is wrong. `validate` is the schema's check
 * (`fastParser(schema)` for many files), which must give what `schema.safeParse` gives.
 */
export function parseSource<S extends z.ZodType>(
  file: SourceFile,
  schema: S,
  validate: (value: unknown) => z.ZodSafeParseResult<z.output<S>> = (value) => schema.safeParse(value),
): Parsed<z.output<S>> {
  const data = parseData(file);
  if (!data.ok) return data;
  const result = validate(data.value);
  if (result.success) return { ok: true, value: result.data };
  const locator = new Locator(file);
  const problems = result.error.issues.flatMap((issue) => describeIssue(issue, data.value, schema, locator));
  return { ok: false, problems };
}

/** Parses without validating: YAML or JSON by extension; an empty file is a problem. */
export function parseData(file: SourceFile): Parsed<unknown> {
  const text = file.text.charCodeAt(0) === 0xfeff ? file.text.slice(1) : file.text;
  try {
    if (file.path.endsWith('.json')) {
      return text.trim() === '' ? { ok: false, problems: [emptyProblem(file)] } : { ok: true, value: JSON.parse(text) };
    }
    const documents = jsYaml.loadAll(text, null, { schema: jsYaml.CORE_SCHEMA });
    if (documents.length === 0 || (documents.length === 1 && documents[0] === null && isBlankYaml(text))) {
      // Comments alone are deliberate where every key is optional (`init` writes such a host.yaml):
      // all defaults. A file with nothing at all, or a services.yaml without a list, is a problem.
      if (text.trim() !== '' && ALL_OPTIONAL.test(file.path)) return { ok: true, value: {} };
      return { ok: false, problems: [emptyProblem(file)] };
    }
    if (documents.length > 1) {
      return {
        ok: false,
        problems: [
          new Locator(file).problemAt(
            [],
            'yaml_syntax',
            'expected one YAML document, found several (remove the extra ---)',
          ),
        ],
      };
    }
    const value = documents[0];
    // An alias needs a `*`; a file without one costs nothing more.
    if (text.includes('*') && expandedSize(value) > LIMITS.expandedYamlChars)
      return { ok: false, problems: [aliasProblem(file)] };
    return { ok: true, value };
  } catch (error) {
    return { ok: false, problems: syntaxProblems(file, error) };
  }
}

/**
 * The size of `value` with every alias written out: characters of strings and keys plus one
 * per value. js-yaml gives an alias the same object as its anchor, so parsing is cheap but
 * anything that walks the value (the schema check, JSON.stringify into status/ and the
 * chronicle) pays for every copy: a few anchors nested make billions. Counted once per
 * distinct object, so this walk is linear in the file.
 */
function expandedSize(root: unknown): number {
  const known = new Map<object, number>();
  const size = (value: unknown): number => {
    if (typeof value === 'string') return value.length + 1;
    if (value === null || typeof value !== 'object') return 1;
    const seen = known.get(value);
    if (seen !== undefined) return seen;
    let total = 1;
    if (Array.isArray(value)) for (const item of value) total += size(item);
    else for (const [key, item] of Object.entries(value)) total += key.length + size(item);
    known.set(value, total);
    return total;
  };
  return size(root);
}

function aliasProblem(file: SourceFile): Problem {
  const locator = new Locator(file);
  let offset = 0;
  visit(locator.document, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  const [line, col] = locator.position(offset);
  return {
    code: 'alias_expansion',
    file: file.path,
    line,
    col,
    message: `YAML aliases expand this file beyond ${LIMITS.expandedYamlChars / (1024 * 1024)} MiB of data; write the values out or use fewer aliases`,
  };
}

function syntaxProblems(file: SourceFile, error: unknown): Problem[] {
  const locator = new Locator(file);
  const fromYaml = locator.document.errors.map((yamlError): Problem => {
    const [line, col] = locator.position(yamlError.pos[0]);
    const code: ProblemCode =
      yamlError.code === 'DUPLICATE_KEY'
        ? 'duplicate_key'
        : file.path.endsWith('.json')
          ? 'json_syntax'
          : 'yaml_syntax';
    const message = yamlError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    if (code !== 'duplicate_key') return { code, file: file.path, line, col, message };
    const named = `duplicate key${keyAt(locator, yamlError.pos[0])}: a key may appear once per mapping`;
    return { code, file: file.path, line, col, message: named };
  });
  if (fromYaml.length > 0) return fromYaml;
  const mark = (error as { mark?: { line: number; column: number } }).mark;
  const reason = (error as { reason?: string }).reason ?? (error as Error).message ?? String(error);
  if (file.path.endsWith('.json')) {
    // Valid YAML, invalid JSON (e.g. YAML written to a .json file): only JSON.parse objects, and
    // its message may quote the text, newlines included; keep the problem on one line.
    const at = /at position (\d+)/.exec(reason);
    const [line, col] = at ? locator.position(Number(at[1])) : [1, 1];
    return [
      {
        code: 'json_syntax',
        file: file.path,
        line,
        col,
        message: reason.replace(/ in JSON at position \d+.*$/, ' in JSON').replace(/\r?\n/g, '\\n'),
      },
    ];
  }
  const code: ProblemCode = /duplicat/.test(reason) ? 'duplicate_key' : 'yaml_syntax';
  return [
    {
      code,
      file: file.path,
      line: (mark?.line ?? 0) + 1,
      col: (mark?.column ?? 0) + 1,
      message: reason.split('\n')[0]!,
    },
  ];
}

/** Only whitespace, comments and document markers (js-yaml reads that as `null`, like `~`). */
function isBlankYaml(text: string): boolean {
  return text.split('\n').every((raw) => {
    const line = raw.trim();
    return line === '' || line.startsWith('#') || /^(?:---|\.\.\.)(?:\s+#.*)?$/.test(line);
  });
}

/** Files whose every key is optional: a comment-only one means "all defaults". */
const ALL_OPTIONAL = /^inventory\/(?:policy|hosts\/[^/]+\/host)\.yaml$/;

const EMPTY_HINTS: Record<string, string> = {
  'services.yaml': "; list the node's services, or write `services: []` if it runs none",
  'host.yaml': "; add the host's keys (e.g. `address:`) or delete the file",
  'policy.yaml': '; add policy keys, or delete the file to use the defaults',
};

function emptyProblem(file: SourceFile): Problem {
  const hint = EMPTY_HINTS[file.path.slice(file.path.lastIndexOf('/') + 1)] ?? '';
  const what = file.text.trim() === '' ? 'file is empty' : 'file is empty (only comments)';
  return { code: 'empty_file', file: file.path, line: 1, col: 1, message: `${what}${hint}` };
}

/** The key whose node starts at `offset`, quoted, for "duplicate key" messages. */
function keyAt(locator: Locator, offset: number): string {
  let key: unknown;
  visit(locator.document, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        key = pair.key.value;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return key === undefined ? '' : ` ${JSON.stringify(String(key))}`;
}

/** Maps data paths back to line and column, building the position-keeping document lazily. */
export class Locator {
  readonly file: SourceFile;
  private lineCounter = new LineCounter();
  private doc: Document | undefined;

  constructor(file: SourceFile) {
    this.file = file;
  }

  get document(): Document {
    this.doc ??= parseDocument(this.file.text, {
      lineCounter: this.lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
    });
    return this.doc;
  }

  position(offset: number): [number, number] {
    void this.document;
    const { line, col } = this.lineCounter.linePos(offset);
    return [line, col];
  }

  /** The offset of the value at `path` (or of the key itself when `key` is set), or of the deepest existing ancestor. */
  offset(path: readonly Segment[], key?: string): number {
    let node: Node | null | undefined = this.document.contents as Node | null;
    let offset = node?.range?.[0] ?? 0;
    for (const segment of key === undefined ? path : [...path, key]) {
      const isLast = key !== undefined && segment === key;
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) break;
        const keyNode = pair.key as Node;
        if (isLast) return keyNode.range?.[0] ?? offset;
        node = pair.value as Node | null;
        offset = node?.range?.[0] ?? keyNode.range?.[0] ?? offset;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (!item) break;
        node = item;
        offset = item.range?.[0] ?? offset;
      } else {
        break;
      }
    }
    return offset;
  }

  problemAt(path: readonly Segment[], code: ProblemCode, message: string, key?: string): Problem {
    const [line, col] = this.position(this.offset(path, key));
    return { code, file: this.file.path, line, col, message };
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  return `${typeof value} ${String(value)}`;
}

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue, data: unknown, schema: z.ZodType, locator: Locator): Problem[] {
  const path = issue.path as Segment[];
  const where = formatPath(path);
  const found = valueAt(data, path);
  const prefix = where ? `${where}: ` : '';
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(schema, path);
      return issue.keys.map((key) => {
        const suggestion = closest(key, allowed);
        const hint = suggestion
          ? ` (did you mean "${suggestion}"?)`
          : allowed.length
            ? ` (allowed: ${allowed.join(', ')})`
            : '';
        return locator.problemAt(path, 'unknown_key', `${prefix}unknown key "${key}"${hint}`, key);
      });
    }
    case 'invalid_type':
      if (found === undefined)
        return [locator.problemAt(path, 'invalid_value', `${prefix}missing (expected ${issue.expected})`)];
      return [
        locator.problemAt(path, 'invalid_value', `${prefix}expected ${issue.expected}, found ${describeValue(found)}`),
      ];
    case 'invalid_value':
      if (found === undefined)
        return [
          locator.problemAt(
            path,
            'invalid_value',
            `${prefix}missing (expected one of ${issue.values.map(String).join(', ')})`,
          ),
        ];
      return [
        locator.problemAt(
          path,
          'invalid_value',
          `${prefix}expected one of ${issue.values.map(String).join(', ')}, found ${describeValue(found)}`,
        ),
      ];
    case 'invalid_format': {
      const isName = /lowercase letters/.test(issue.message);
      return [
        locator.problemAt(
          path,
          isName ? 'bad_name' : 'invalid_value',
          `${prefix}expected ${issue.message}, found ${describeValue(found)}`,
        ),
      ];
    }
    case 'too_big':
      if (Array.isArray(found))
        return [locator.problemAt(path, 'too_many_entries', `${prefix}${found.length} entries; ${issue.message}`)];
      return [
        locator.problemAt(
          path,
          'invalid_value',
          `${prefix}${issue.message}${typeof found === 'string' ? ` (found ${found.length})` : ''}`,
        ),
      ];
    case 'invalid_union': {
      const branch =
        issue.errors.find((issues) => issues.every((inner) => inner.code !== 'invalid_type')) ?? issue.errors[0] ?? [];
      const first = branch[0];
      const message = first
        ? first.code === 'invalid_format'
          ? `expected ${first.message}`
          : first.message
        : issue.message;
      return [locator.problemAt(path, 'invalid_value', `${prefix}${message}, found ${describeValue(found)}`)];
    }
    default:
      return [
        locator.problemAt(
          path,
          'invalid_value',
          `${prefix}${issue.message}${found !== undefined && issue.code !== 'custom' ? `, found ${describeValue(found)}` : ''}`,
        ),
      ];
  }
}

/** The keys an object schema allows at `path`, for "did you mean" hints. */
function allowedKeys(schema: z.ZodType, path: readonly Segment[]): string[] {
  let current: unknown = schema;
  for (const segment of [...path, null]) {
    current = unwrap(current);
    const def = (current as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return [];
    if (segment === null) return def.type === 'object' ? Object.keys(def.shape as object) : [];
    if (def.type === 'object') current = (def.shape as Record<string, unknown>)[segment];
    else if (def.type === 'array') current = def.element;
    else return [];
  }
  return [];
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    const def = (current as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (!def) return current;
    if (def.type === 'default' || def.type === 'optional' || def.type === 'nullable' || def.type === 'prefault')
      current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else return current;
  }
}
