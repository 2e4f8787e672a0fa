import type { z } from 'zod';
import type { Problem } from '../errors/problem.js';
import {
  HostFile,
  Heartbeat,
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
import { Locator, parseData, parseSource, type Parsed, type SourceFile } from './source.js';
import { ParseCache } from './parse-cache.js';
import { closest } from './suggest.js';
import { ADMIN_FILE, adminHeadOf, checkAdminWitness, foldAdminEvents, type AdminChain, type AdminHead } from '../model/admin-chain.js';
import { checkChronicleFile } from './chronicle-check.js';
import type { ParsedJsonLines } from './jsonl.js';

/** Everything read from a repo, before interpretation: pure data, so tests build it in memory. */
export interface RepoSources {
  /** Folder names under inventory/hosts/ (a node exists when its folder does). */
  hostDirs: string[];
  files: SourceFile[];
  /**
   * Files found but not read: a symlink out of the repo, a directory where a file belongs, a
   * file over its size limit (src/repo/read.ts). A world file's makes its node `unknown`.
   */
  problems?: Problem[];
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
  /** Every problem found, sorted: what `validate` prints. */
  problems: Problem[];
  /** Problems reconcile cannot work around (inventory, policy, chronicle): it must stop. */
  fatal: Problem[];
  /** chronicle/*.jsonl (but admin.jsonl) as checked, by path: `loadChronicle` reuses them. */
  chronicle: Map<string, ParsedJsonLines<unknown>>;
}

/** status/recommendations.json, read only for the admin head it witnesses. */
export const STATUS_SOURCE = 'status/recommendations.json';

/** `admin_head` of the last status/, if it holds a well-formed one. status/ is derived: anything else is no witness. */
function recordedAdminHead(text: string | undefined): AdminHead | undefined {
  // Only the tail is read: status/ can be megabytes, and reconcile writes admin_head last.
  // In JSON text the key cannot occur inside a string value (its quotes would be escaped).
  const at = text?.lastIndexOf('"admin_head"') ?? -1;
  if (at < 0) return undefined;
  const head = /^"admin_head"\s*:\s*\{\s*"seq"\s*:\s*([1-9]\d{0,14})\s*,\s*"hash"\s*:\s*"([0-9a-f]{64})"\s*\}/.exec(text!.slice(at));
  return head ? { seq: Number(head[1]), hash: head[2]! } : undefined;
}

const SNAPSHOT_FILE = /^world\/nodes\/([^/]+)\.(yaml|yml|json)$/;
const HEARTBEAT_FILE = /^\.labwarden\/heartbeats\/([^/]+)\.json$/;

/** Interprets the repo's files: schema checks, cross-file checks, and the reconcile inputs. */
export function buildRepoModel(sources: RepoSources, options: { cache?: ParseCache; digests?: ReadonlyMap<string, string> } = {}): RepoModel {
  const cache = options.cache ?? new ParseCache();
  // `ParseCache.digest` of each file, when the caller has already hashed them (the run shortcut).
  const digestOf = (file: SourceFile) => options.digests?.get(file.path) ?? ParseCache.digest(file.text);
  // Compiled once per model: thousands of files share four schemas.
  const validators = new Map<z.ZodType, (value: unknown) => z.ZodSafeParseResult<unknown>>();
  const parseSource = <S extends z.ZodType>(file: SourceFile, schema: S): Parsed<z.output<S>> => {
    let validate = validators.get(schema);
    if (!validate) validators.set(schema, (validate = fastParser(schema)));
    return parseCached(cache, file, digestOf(file), schema, validate as (value: unknown) => z.ZodSafeParseResult<z.output<S>>);
  };
  const files = new Map(sources.files.map((file) => [file.path, file]));
  const problems: Problem[] = [];
  const worldProblems: Problem[] = [];
  // Spread into push() would overflow the stack with a few hundred thousand problems.
  const add = (to: Problem[], items: readonly Problem[]) => {
    for (const item of items) to.push(item);
  };
  const unread = new Map<string, Problem>();
  for (const problem of sources.problems ?? []) {
    if (SNAPSHOT_FILE.test(problem.file)) unread.set(problem.file, problem);
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
  for (const dir of [...sources.hostDirs].sort()) {
    if (!isName(dir)) {
      problems.push({ code: 'bad_name', file: `inventory/hosts/${dir}`, line: 1, col: 1, message: `node folder "${dir}" is not a valid name: expected lowercase letters, digits and inner dashes` });
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
      else add(problems, parsed.problems);
    }
    nodes.set(dir, node);
  }
  add(problems, checkServices(nodes, serviceFiles));

  const world = new Map<string, NodeObservation>();
  // A world file that could not be read stands for its node like an invalid one.
  const unreadFiles: SourceFile[] = [...unread.keys()].map((path) => ({ path, text: '' }));
  const snapshotFiles = [...sources.files.filter((file) => SNAPSHOT_FILE.test(file.path)), ...unreadFiles].sort((a, b) => (a.path < b.path ? -1 : 1));
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
      worldProblems.push({ code: 'unknown_node', file: file.path, line: 1, col: 1, message: `snapshot for "${name}", which is not a node in inventory/hosts/${suggestion ? ` (did you mean "${suggestion}"?)` : ''}` });
      continue;
    }
    if (world.has(name)) {
      fail([{ code: 'duplicate_snapshot', file: file.path, line: 1, col: 1, message: `a second snapshot for node "${name}": keep one of world/nodes/${name}.yaml or .json` }]);
      continue;
    }
    const parsed = parseSource(file, WorldSnapshot);
    if (!parsed.ok) {
      fail(parsed.problems);
      continue;
    }
    const snapshot = parsed.value;
    const locator = new Locator(file);
    const issues: Problem[] = [];
    if (snapshot.node !== name) {
      issues.push(locator.problemAt(['node'], 'node_mismatch', `node: "${snapshot.node}" does not match the file name (expected "${name}")`));
    }
    const seen = new Set<string>();
    snapshot.services.forEach((service, index) => {
      if (seen.has(service.name)) issues.push(locator.problemAt(['services', index, 'name'], 'duplicate_service', `services[${index}].name: "${service.name}" is listed twice`));
      seen.add(service.name);
    });
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
  if (tampered) worldProblems.push({ code: 'admin_chain', file: ADMIN_FILE, line: tampered.line, col: 1, message: `newest lines changed after reconcile: ${tampered.message}` });
  const adminHead = adminHeadOf(admin);

  return {
    inventory: { nodes },
    policy,
    world,
    heartbeats,
    admin,
    ...(adminHead ? { adminHead } : {}),
    problems: sortProblemsList([...problems, ...worldProblems]),
    fatal: sortProblemsList(problems),
    chronicle,
  };
}

/** The first problems of an invalid snapshot, for its node's reason: bounded, however many there are. */
function invalidReason(issues: readonly Problem[]): string {
  const shown = issues.slice(0, 3).map((p) => `${p.file}:${p.line}:${p.col} ${p.message}`).join('; ');
  return issues.length > 3 ? `${shown}; and ${issues.length - 3} more (labwarden validate lists them)` : shown;
}

/**
 * Stored instead of the value when a JSON file's validated value equals its parsed text
 * (observers write complete snapshots): JSON.parse of the file is then cheaper than both
 * the schema check and loading a copy from the cache. Schemas only ever yield objects, so
 * a string cannot be mistaken for a value.
 */
const SAME_AS_JSON = '=json';

function parseCached<S extends z.ZodType>(cache: ParseCache, file: SourceFile, digest: string, schema: S, validate: (value: unknown) => z.ZodSafeParseResult<z.output<S>>): Parsed<z.output<S>> {
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
  const parsed = parseSource(file, schema, validate);
  if (parsed.ok) cache.set(file.path, digest, parsed.value);
  return parsed;
}

function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

function sortProblemsList(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
}

/**
 * Cross-file checks of services.yaml: duplicate names, depends_on and failover targets, and
 * dependency cycles. Services are numbered (one number per `node/service`), so the graph
 * walk compares numbers; the `node/service` text is built only for messages.
 */
function checkServices(nodes: Map<string, InventoryNode>, files: Map<string, SourceFile>): Problem[] {
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
    node.services.forEach((service, index) => {
      if (seen.has(service.name)) at(node.name, ['services', index, 'name'], 'duplicate_service', `services[${index}].name: "${service.name}" is listed twice on ${node.name}`);
      seen.add(service.name);
    });
  }

  // A service listed twice keeps the edges of its last entry.
  const edges: { target: number; index: number; dep: number }[][] = Array.from({ length: nodeOf.length }, () => []);
  for (const node of nodes.values()) {
    const own = numbers.get(node.name)!;
    node.services.forEach((service, index) => {
      const id = own.get(service.name)!;
      const out: { target: number; index: number; dep: number }[] = [];
      service.depends_on.forEach((ref, dep) => {
        const target = resolveServiceRef(node.name, ref);
        const services = numbers.get(target.node);
        const number = services?.get(target.service);
        if (!services) {
          const hint = closest(target.node, nodes.keys());
          at(node.name, ['services', index, 'depends_on', dep], 'unknown_node', `services[${index}].depends_on[${dep}]: unknown node "${target.node}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
        } else if (number === undefined) {
          const names = nodes.get(target.node)!.services.map((s) => s.name);
          const hint = closest(target.service, names);
          at(node.name, ['services', index, 'depends_on', dep], 'unknown_service', `services[${index}].depends_on[${dep}]: unknown service "${target.node}/${target.service}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
        } else if (number === id) {
          at(node.name, ['services', index, 'depends_on', dep], 'dependency_cycle', `services[${index}].depends_on[${dep}]: ${idOf(id)} depends on itself`);
        } else {
          out.push({ target: number, index, dep });
        }
      });
      edges[id] = out;
      service.failover.forEach((target, f) => {
        if (target === node.name) {
          at(node.name, ['services', index, 'failover', f], 'unknown_node', `services[${index}].failover[${f}]: "${target}" is the service's own node; list other nodes`);
        } else if (!nodes.has(target)) {
          const hint = closest(target, nodes.keys());
          at(node.name, ['services', index, 'failover', f], 'unknown_node', `services[${index}].failover[${f}]: unknown node "${target}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
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
        at(nodeOf[id]!, ['services', edge.index, 'depends_on', edge.dep], 'dependency_cycle', `services[${edge.index}].depends_on[${edge.dep}]: dependency cycle ${cycle.join(' -> ')}`);
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
