import { UserError } from '../errors/problem.js';
import { writeIfChanged } from '../fs/atomic.js';
import { WorldSnapshot } from '../model/index.js';
import { buildRepoModel, readRepoSources, type RepoModel } from '../repo/index.js';
import { closest } from '../repo/suggest.js';
import { serializeSnapshot } from './serialize.js';

export interface NodeWorld {
  node: string;
  /** Relative to the repo: the existing snapshot file, or world/nodes/<node>.yaml. */
  file: string;
  previous: WorldSnapshot | undefined;
}

/** Reads and checks the repo; a broken desired state stops the run before anything is written. */
export async function loadRepo(repo: string): Promise<{ model: RepoModel; files: string[] }> {
  const sources = await readRepoSources(repo);
  const model = buildRepoModel(sources);
  if (model.fatal.length > 0) {
    throw new UserError(
      `${model.fatal.length} problem${model.fatal.length === 1 ? '' : 's'} in the desired state; world/ left as it was`,
      {
        problems: model.fatal,
        hint: 'Fix these and run again; `labwarden validate` lists every problem.',
      },
    );
  }
  return { model, files: sources.files.map((file) => file.path) };
}

/** The node's snapshot file and content. An invalid snapshot is never overwritten blindly. */
export function nodeWorld(model: RepoModel, files: string[], node: string): NodeWorld {
  if (!model.inventory.nodes.has(node)) {
    const hint = closest(node, model.inventory.nodes.keys());
    throw new UserError(`unknown node "${node}"${hint ? ` (did you mean "${hint}"?)` : ''}`, {
      hint: 'A node exists when inventory/hosts/<node>/ exists.',
    });
  }
  const file =
    files.find((candidate) => new RegExp(`^world/nodes/${node}\\.(yaml|yml|json)$`).test(candidate)) ??
    `world/nodes/${node}.yaml`;
  const observation = model.world.get(node);
  if (observation?.kind === 'invalid') {
    const problems = model.problems.filter((problem) => problem.file === observation.file);
    throw new UserError(`${observation.file} is invalid; it was left as it was`, {
      problems,
      hint: 'Fix the snapshot (or delete it to start afresh) and run again.',
    });
  }
  return { node, file, previous: observation?.kind === 'snapshot' ? observation.snapshot : undefined };
}

export async function writeNodeWorld(repo: string, world: NodeWorld, snapshot: WorldSnapshot): Promise<boolean> {
  return writeIfChanged(repo, world.file, snapshotText(world, snapshot));
}

/** The file's text for `snapshot`, as written (and as `observe --dry-run` shows it). */
export function snapshotText(world: NodeWorld, snapshot: WorldSnapshot): string {
  // Never write a snapshot the next run would refuse (a summary over its limit, too many entries).
  const checked = WorldSnapshot.safeParse(snapshot);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new UserError(
      `${world.file}: ${issue.path.map(String).join('.') || 'snapshot'}: ${issue.message}; nothing written`,
      {
        hint: 'Shorten the text (the limits are in docs/formats.md) and run again.',
      },
    );
  }
  return serializeSnapshot(snapshot, world.file.endsWith('.json') ? 'json' : 'yaml');
}
