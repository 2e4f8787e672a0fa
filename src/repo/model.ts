import type { z } from 'zod';
import type { Problem } from '../errors/problem.js';
import {
  HostFile,
  Heartbeat,
  Service,
  Policy,
  ServicesFile,
  WorldSnapshot,
  fastParser,
  isName,
  parseTime,
  resolveServiceRef,
  type Inventory,
  type InventoryNode,
  type NodeObservation,
} from '../model/index.js';
import { Locator, parseData, parseSource as parseSourceText, type Parsed, type SourceFile } from './source.js';
import { ParseCache } from './parse-cache.js';
import { closest } from './suggest.js';
import {
  ADMIN_FILE,
  adminHeadOf,
  checkAdminWitness,
  foldAdminEvents,
  type AdminChain,
  type AdminHead,
} from '../model/admin-chain.js';
import { checkChronicleFile } from './chronicle-check.js';
import type { ParsedJsonLines } from './jsonl.js';
import { STATUS_SOURCE } from './status-source.js';

/** Everything read from a repo, before interpretation: pure data, so tests build it in memory. */
export interface RepoSources {
  /** Folder names under inventory/hosts/ (a node exists when its folder does). */
  hostDirs: string[];
  files: SourceFile[];
  /**
   * Files found but not read: a symlink out of the repo, a directory where a file belongs, a
   * file over its size limit (src/repo/read.ts), an unknown file in a node folder, invalid
   * UTF-8 (the file is read, U+FFFD in place of the bad bytes). A world file's makes its node `unknown`.
   */
  problems?: Problem[];
  /** What is not wrong but would surprise: a node folder that is empty or has no services.yaml. */
  warnings?: Problem[];
}

export interface RepoModel {
  inventory: Inventory;
  policy: Policy;
  world: Map<string, NodeObservation>;
  /** Node → last heartbeat (ms), from .labwarden/heartbeats/ or the heartbeat branches. */
  heartbeats: Map<string, number>;
  /** chronicle/admin.jsonl verified and parsed up to its first break. */
  admin: AdminChain;
  /** What the next status/ records as the folded head (`admin_head`): the chain's last trusted line. */
  adminHead?: AdminHead;
  /** Every problem found, sorted: what `validate` prints (exit 2). */
  problems: Problem[];
  /** Not wrong, but worth a word (a node folder without services.yaml), sorted: printed, exit 0. */
  warnings: Problem[];
  /** Problems reconcile cannot work around (inventory, policy, chronicle): it must stop. */
  fatal: Problem[];
  /** chronicle/*.jsonl (but admin.jsonl) as checked, by path: `loadChronicle` reuses them. */
  chronicle: Map<string, ParsedJsonLines<unknown>>;
}

/** status/recommendations.json, read only for the admin head it witnesses. */
export { STATUS_SOURCE };

/** `admin_head` of the last status/, if it holds a well-formed one. status/ is derived: anything else is no witness. */
function recordedAdminHead(text: string | undefined): AdminHead | undefined {
  // Only the tail is read: status/ can be megabytes, and reconcile writes admin_head last.
  // In JSON text the key cannot occur inside a string value (its quotes would be escaped).
  const at = text?.lastIndexOf('"admin_head"') ?? -1;
  if (at < 0) return undefined;
  const head = /^"admin_head"\s*:\s*\{\s*"seq"\s*:\s*([1-9]\d{0,14})\s*,\s*"hash"\s*:\s*"([0-9a-f]{64})"\s*\}/.exec(
    text!.slice(at),
  );
  return head ? { seq: Number(head[1]), hash: head[2]! } : undefined;
}

const SNAPSHOT_FILE = /^world\/nodes\/([^/]+)\.(yaml|yml|json)$/;
const HEARTBEAT_FILE = /^\.labwarden\/heartbeats\/([^/]+)\.json$/;

/** Interprets the repo's files: schema checks, cross-file checks, and the reconcile inputs. */
export function buildRepoModel(
  sources: RepoSources,
  options: { cache?: ParseCache; digests?: ReadonlyMap<string, string> } = {},
): RepoModel {
  const cache = options.cache ?? new ParseCache();
  // `ParseCache.digest` of each file, when the caller has already hashed them (the run shortcut).
  const digestOf = (file: SourceFile) => options.digests?.get(file.path) ?? ParseCache.digest(file.text);
  // Compiled once per model: thousands of files share four schemas.
  const validators = new Map<z.ZodType, (value: unknown) => z.ZodSafeParseResult<unknown>>();
  const parseSource = <S extends z.ZodType>(file: SourceFile, schema: S): Parsed<z.output<S>> => {
    let validate = validators.get(schema);
    if (!validate) validators.set(schema, (validate = fastParser(schema)));
    const check = validate as (value: unknown) => z.ZodSafeParseResult<z.output<S>>;
    if (flawed.has(file.path)) return parseSourceText(file, schema, check);
    return parseCached(cache, file, digestOf(file), schema, check);
  };
  const files = new Map(sources.files.map((file) => [file.path, file]));
  const problems: Problem[] = [];
  const worldProblems: Problem[] = [];
  // Spread into push() would overflow the stack with a few hundred thousand problems.
  const add = (to: Problem[], items: readonly Problem[]) => {
    for (const item of items) to.push(item);
  };
  const unread = new Map<string, Problem>();
  // Files read with a problem (invalid UTF-8): checked, but never stored in the parse cache.
  const flawed = new Set<string>();
  for (const problem of sources.problems ?? []) {
    flawed.add(problem.file);
    if (SNAPSHOT_FILE.test(problem.file)) unread.set(problem.file, problem);
    // A bad byte in the admin chain is like any other break: the fold stops there, reconcile goes on.
    else if (problem.file === ADMIN_FILE && problem.code === 'invalid_utf8') worldProblems.push(problem);
    else problems.push(problem);
  }

  const policyFile = files.get('inventory/policy.yaml');
  let policy = Policy.parse({});
  if (policyFile) {
    const parsed = parseSource(policyFile, Policy);
    if (parsed.ok) policy = parsed.value;
    else add(problems, parsed.problems);
  }

  const nodes = new Map<string, InventoryNode>();
  const serviceFiles = new Map<string, SourceFile>();
  // Nodes whose services.yaml has problems: the entries kept, by their index in the file.
  const partial = new Map<string, ValidEntries>();
  for (const dir of [...sources.hostDirs].sort()) {
    if (!isName(dir)) {
      problems.push({
        code: 'bad_name',
        file: `inventory/hosts/${dir}`,
        line: 1,
        col: 1,
        message: `node folder "${dir}" is not a valid name: expected lowercase letters, digits and inner dashes`,
      });
      continue;
    }
    const node: InventoryNode = { name: dir, host: HostFile.parse({}), services: [] };
    const hostFile = files.get(`inventory/hosts/${dir}/host.yaml`);
    if (hostFile) {
      const parsed = parseSource(hostFile, HostFile);
      if (parsed.ok) node.host = parsed.value;
      else add(problems, parsed.problems);
    }
    const servicesFile = files.get(`inventory/hosts/${dir}/services.yaml`);
    if (servicesFile) {
      serviceFiles.set(dir, servicesFile);
      const parsed = parseSource(servicesFile, ServicesFile);
      if (parsed.ok) node.services = parsed.value.services;
      else {
        add(problems, parsed.problems);
        // Every problem at once: the entries that are valid still take part in the cross-file checks.
        const salvaged = validEntries(servicesFile, (value) => {
          let validate = validators.get(Service);
          if (!validate) validators.set(Service, (validate = fastParser(Service)));
          return validate(value) as z.ZodSafeParseResult<Service>;
        });
        node.services = salvaged.services;
        partial.set(dir, salvaged);
      }
    }
    nodes.set(dir, node);
  }
  add(problems, checkServices(nodes, serviceFiles, partial));

  const world = new Map<string, NodeObservation>();
  // A world file that could not be read stands for its node like an invalid one.
  const unreadFiles: SourceFile[] = [...unread.keys()].map((path) => ({ path, text: '' }));
  const readFiles = sources.files.filter((file) => SNAPSHOT_FILE.test(file.path) && !unread.has(file.path));
  const snapshotFiles = [...readFiles, ...unreadFiles].sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const file of snapshotFiles) {
    const name = SNAPSHOT_FILE.exec(file.path)![1]!;
    const fail = (issues: Problem[]) => {
      add(worldProblems, issues);
      if (nodes.has(name)) world.set(name, { kind: 'invalid', file: file.path, reason: invalidReason(issues) });
    };
    const refused = unread.get(file.path);
    if (refused) {
      fail([refused]);
      continue;
    }
    if (!nodes.has(name)) {
      const suggestion = closest(name, nodes.keys());
      worldProblems.push({
        code: 'unknown_node',
        file: file.path,
        line: 1,
        col: 1,
        message: `snapshot for "${name}", which is not a node in inventory/hosts/${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      });
      continue;
    }
    if (world.has(name)) {
      fail([
        {
          code: 'duplicate_snapshot',
          file: file.path,
          line: 1,
          col: 1,
          message: `a second snapshot for node "${name}": keep one of world/nodes/${name}.yaml or .json`,
        },
      ]);
      continue;
    }
    const parsed = parseSource(file, WorldSnapshot);
    if (!parsed.ok) {
      // Every problem at once: the cross-file checks look at what parsed, valid or not.
      const data = parseData(file);
      fail(sortProblemsList([...parsed.problems, ...(data.ok ? snapshotIssues(file, name, data.value) : [])]));
      continue;
    }
    const snapshot = parsed.value;
    const issues = snapshotIssues(file, name, snapshot);
    if (issues.length > 0) fail(issues);
    else world.set(name, { kind: 'snapshot', snapshot });
  }

  const heartbeats = new Map<string, number>();
  for (const file of sources.files) {
    const match = HEARTBEAT_FILE.exec(file.path);
    if (!match) continue;
    // Heartbeats are not committed and only ever advance liveness: a broken one is ignored.
    const data = parseData(file);
    const beat = data.ok ? Heartbeat.safeParse(data.value) : undefined;
    if (beat?.success && beat.data.node === match[1]) heartbeats.set(beat.data.node, parseTime(beat.data.seen_at));
  }

  const chronicle = new Map<string, ParsedJsonLines<unknown>>();
  for (const file of sources.files) {
    if (file.path === ADMIN_FILE) continue;
    if (!(file.path.startsWith('chronicle/') && file.path.endsWith('.jsonl'))) continue;
    // A partial last line is the trace of an interrupted append: reconcile repairs it, so it is not fatal.
    const checked = checkChronicleFile(file);
    add(problems, checked.fatal);
    add(worldProblems, checked.repairable);
    chronicle.set(file.path, checked.parsed);
  }
  // A broken admin chain does not stop reconcile: the fold stops at the break and reports it.
  const admin = foldAdminEvents(files.get(ADMIN_FILE)?.text ?? '');
  if (admin.break) {
    worldProblems.push({
      code: 'admin_chain',
      file: ADMIN_FILE,
      line: admin.break.line,
      col: 1,
      message: `hash chain broken at seq ${admin.break.seq}: ${admin.break.reason}; ${admin.ignored} event${admin.ignored === 1 ? '' : 's'} from there on ${admin.ignored === 1 ? 'is' : 'are'} ignored`,
    });
  }
  const tampered = checkAdminWitness(admin, recordedAdminHead(files.get(STATUS_SOURCE)?.text));
  if (tampered)
    worldProblems.push({
      code: 'admin_chain',
      file: ADMIN_FILE,
      line: tampered.line,
      col: 1,
      message: `newest lines changed after reconcile: ${tampered.message}`,
    });
  const adminHead = adminHeadOf(admin);

  return {
    inventory: { nodes },
    policy,
    world,
    heartbeats,
    admin,
    ...(adminHead ? { adminHead } : {}),
    problems: sortProblemsList([...problems, ...worldProblems]),
    warnings: sortProblemsList([...(sources.warnings ?? [])]),
    fatal: sortProblemsList(problems),
    chronicle,
  };
}

/**
 * The entries of a services.yaml with problems that are valid on their own, and their index
 * in the file: what the cross-file checks can still look at.
 */
interface ValidEntries {
  services: Service[];
  indices: number[];
  /** Names of the entries with problems, or null when the list could not be read at all. */
  broken: Set<string> | null;
  /** The `name` of every entry, by index in the file (undefined where it is not text). */
  names: (string | undefined)[];
}

/** Whether `service` may be an entry of that services.yaml that has problems of its own. */
function hasBrokenEntry(entries: ValidEntries | undefined, service: string): boolean {
  return entries !== undefined && (entries.broken === null || entries.broken.has(service));
}

function validEntries(file: SourceFile, check: (value: unknown) => z.ZodSafeParseResult<Service>): ValidEntries {
  const services: Service[] = [];
  const indices: number[] = [];
  const data = parseData(file);
  const value = data.ok ? (data.value as { services?: unknown } | null) : undefined;
  const entries = value !== null && typeof value === 'object' ? value.services : undefined;
  if (!Array.isArray(entries)) return { services, indices, broken: null, names: [] };
  const broken = new Set<string>();
  const names: (string | undefined)[] = [];
  entries.forEach((entry, index) => {
    const name = (entry as { name?: unknown } | null)?.name;
    names.push(typeof name === 'string' ? name : undefined);
    const result = check(entry);
    if (result.success) {
      services.push(result.data);
      indices.push(index);
    } else if (typeof name === 'string') {
      broken.add(name);
    }
  });
  return { services, indices, broken, names };
}

/** A snapshot's checks beyond its schema: the node it names, and each service listed once. `value` may be invalid. */
function snapshotIssues(file: SourceFile, name: string, value: unknown): Problem[] {
  const issues: Problem[] = [];
  if (value === null || typeof value !== 'object') return issues;
  const { node, services } = value as { node?: unknown; services?: unknown };
  let locator: Locator | undefined;
  const at = (path: (string | number)[], code: Problem['code'], message: string) =>
    issues.push((locator ??= new Locator(file)).problemAt(path, code, message));
  if (typeof node === 'string' && node !== name) {
    at(['node'], 'node_mismatch', `node: "${node}" does not match the file name (expected "${name}")`);
  }
  if (!Array.isArray(services)) return issues;
  const seen = new Set<string>();
  services.forEach((service: unknown, index) => {
    const serviceName = (service as { name?: unknown } | null)?.name;
    if (typeof serviceName !== 'string') return;
    const message = `services[${index}].name: "${serviceName}" is listed twice`;
    if (seen.has(serviceName)) at(['services', index, 'name'], 'duplicate_service', message);
    seen.add(serviceName);
  });
  return issues;
}

/** The first problems of an invalid snapshot, for its node's reason: bounded, however many there are. */
function invalidReason(issues: readonly Problem[]): string {
  const shown = issues
    .slice(0, 3)
    .map((p) => `${p.file}:${p.line}:${p.col} ${p.message}`)
    .join('; ');
  return issues.length > 3 ? `${shown}; and ${issues.length - 3} more (labwarden validate lists them)` : shown;
}

/**
 * Stored instead of the value when a JSON file's validated value equals its parsed text
 * (observers write complete snapshots): JSON.parse of the file is then cheaper than both
 * the schema check and loading a copy from the cache. Schemas only ever yield objects, so
 * a string cannot be mistaken for a value.
 */
const SAME_AS_JSON = '=json';

function parseCached<S extends z.ZodType>(
  cache: ParseCache,
  file: SourceFile,
  digest: string,
  schema: S,
  validate: (value: unknown) => z.ZodSafeParseResult<z.output<S>>,
): Parsed<z.output<S>> {
  const hit = cache.get(file.path, digest);
  if (hit === SAME_AS_JSON) {
    const data = parseData(file);
    if (data.ok) return { ok: true, value: data.value as z.output<S> };
  } else if (hit !== undefined) {
    return { ok: true, value: hit as z.output<S> };
  }
  if (file.path.endsWith('.json')) {
    const data = parseData(file);
    const result = data.ok ? validate(data.value) : undefined;
    if (data.ok && result?.success) {
      cache.set(file.path, digest, sameData(data.value, result.data) ? SAME_AS_JSON : result.data);
      return { ok: true, value: result.data };
    }
  }
  const parsed = parseSourceText(file, schema, validate);
  if (parsed.ok) cache.set(file.path, digest, parsed.value);
  return parsed;
}

function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    a === null ||
    b === null ||
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    Array.isArray(a) !== Array.isArray(b)
  )
    return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every(
    (key) =>
      Object.hasOwn(b, key) && sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

function sortProblemsList(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
}

/**
 * Cross-file checks of services.yaml: duplicate names, depends_on and failover targets, and
 * dependency cycles. Services are numbered (one number per `node/service`), so the graph
 * walk compares numbers; the `node/service` text is built only for messages.
 */
function checkServices(
  nodes: Map<string, InventoryNode>,
  files: Map<string, SourceFile>,
  partial: ReadonlyMap<string, ValidEntries>,
): Problem[] {
  const problems: Problem[] = [];
  const locators = new Map<string, Locator>();
  const at = (node: string, path: (string | number)[], code: Problem['code'], message: string) => {
    const file = files.get(node)!;
    let locator = locators.get(node);
    if (!locator) locators.set(node, (locator = new Locator(file)));
    problems.push(locator.problemAt(path, code, message));
  };

  // Numbers in the order of `node/service` text, which the walk below follows: nodes by
  // `name/` (so "a-b/x" comes before "a/x"), then services by name.
  const numbers = new Map<string, Map<string, number>>();
  const nodeOf: string[] = [];
  const serviceOf: string[] = [];
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  for (const name of [...nodes.keys()].sort((a, b) => byText(`${a}/`, `${b}/`))) {
    const node = nodes.get(name)!;
    const own = new Map<string, number>();
    numbers.set(name, own);
    for (const service of [...new Set(node.services.map((s) => s.name))].sort(byText)) {
      own.set(service, nodeOf.length);
      nodeOf.push(name);
      serviceOf.push(service);
    }
  }
  const idOf = (n: number) => `${nodeOf[n]}/${serviceOf[n]}`;

  for (const node of nodes.values()) {
    const seen = new Set<string>();
    // Of a services.yaml with problems, every entry's name counts, valid or not.
    const names = partial.get(node.name)?.names ?? node.services.map((service) => service.name);
    names.forEach((name, index) => {
      if (name === undefined) return;
      const message = `services[${index}].name: "${name}" is listed twice on ${node.name}`;
      if (seen.has(name)) at(node.name, ['services', index, 'name'], 'duplicate_service', message);
      seen.add(name);
    });
  }

  // A service listed twice keeps the edges of its last entry.
  const edges: { target: number; index: number; dep: number }[][] = Array.from({ length: nodeOf.length }, () => []);
  for (const node of nodes.values()) {
    const own = numbers.get(node.name)!;
    node.services.forEach((service, i) => {
      const index = partial.get(node.name)?.indices[i] ?? i;
      const id = own.get(service.name)!;
      const out: { target: number; index: number; dep: number }[] = [];
      service.depends_on.forEach((ref, dep) => {
        const target = resolveServiceRef(node.name, ref);
        const services = numbers.get(target.node);
        const number = services?.get(target.service);
        if (!services) {
          const hint = closest(target.node, nodes.keys());
          at(
            node.name,
            ['services', index, 'depends_on', dep],
            'unknown_node',
            `services[${index}].depends_on[${dep}]: unknown node "${target.node}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
          );
        } else if (number === undefined && hasBrokenEntry(partial.get(target.node), target.service)) {
          // An entry of that node's services.yaml that has problems of its own: already reported.
        } else if (number === undefined) {
          const names = nodes.get(target.node)!.services.map((s) => s.name);
          const hint = closest(target.service, names);
          at(
            node.name,
            ['services', index, 'depends_on', dep],
            'unknown_service',
            `services[${index}].depends_on[${dep}]: unknown service "${target.node}/${target.service}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
          );
        } else if (number === id) {
          at(
            node.name,
            ['services', index, 'depends_on', dep],
            'dependency_cycle',
            `services[${index}].depends_on[${dep}]: ${idOf(id)} depends on itself`,
          );
        } else {
          out.push({ target: number, index, dep });
        }
      });
      edges[id] = out;
      service.failover.forEach((target, f) => {
        if (target === node.name) {
          at(
            node.name,
            ['services', index, 'failover', f],
            'unknown_node',
            `services[${index}].failover[${f}]: "${target}" is the service's own node; list other nodes`,
          );
        } else if (!nodes.has(target)) {
          const hint = closest(target, nodes.keys());
          at(
            node.name,
            ['services', index, 'failover', f],
            'unknown_node',
            `services[${index}].failover[${f}]: unknown node "${target}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
          );
        }
      });
    });
  }

  // Depth-first search; each cycle is reported once, at the depends_on entry that closes it.
  const ACTIVE = 1;
  const DONE = 2;
  const state = new Uint8Array(nodeOf.length);
  const stack: number[] = [];
  const visit = (id: number) => {
    state[id] = ACTIVE;
    stack.push(id);
    for (const edge of edges[id]!) {
      const seen = state[edge.target];
      if (seen === ACTIVE) {
        const cycle = [...stack.slice(stack.indexOf(edge.target)), edge.target].map(idOf);
        at(
          nodeOf[id]!,
          ['services', edge.index, 'depends_on', edge.dep],
          'dependency_cycle',
          `services[${edge.index}].depends_on[${edge.dep}]: dependency cycle ${cycle.join(' -> ')}`,
        );
      } else if (seen === 0) {
        visit(edge.target);
      }
    }
    stack.pop();
    state[id] = DONE;
  };
  for (let id = 0; id < nodeOf.length; id++) if (state[id] === 0) visit(id);
  return problems;
}
