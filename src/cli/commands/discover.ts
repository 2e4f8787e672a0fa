import { LIMITS } from '../../model/limits.js';
import { readRepoFile } from '../../fs/safe-path.js';
import { readdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { UserError } from '../../errors/problem.js';
import { isName } from '../../model/name-pattern.js';
import { closest } from '../../repo/suggest.js';
import { nodeNameFromHostname } from '../../discover/names.js';
import { SOURCE_NAMES } from '../../discover/sources/index.js';
import type { CommandRunner, SourceName } from '../../discover/index.js';
import type { Io } from '../io.js';
import { repoDir } from '../options.js';

function parseSources(value: string): SourceName[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const bad = names.filter((name) => !(SOURCE_NAMES as string[]).includes(name));
  if (bad.length > 0 || names.length === 0) {
    throw new UserError(`--source: unknown source ${bad.map((name) => `"${name}"`).join(', ') || '(none given)'}`, {
      hint: `Choose from ${SOURCE_NAMES.join(', ')}.`,
    });
  }
  return SOURCE_NAMES.filter((name) => names.includes(name));
}

/** The address probes use for listeners on every interface: the node's host.yaml address, else loopback. */
async function nodeAddress(repo: string, node: string): Promise<string> {
  const file = `inventory/hosts/${node}/host.yaml`;
  const text = await readRepoFile(repo, file, { maxBytes: LIMITS.inventoryFileBytes });
  if (text === undefined) return '127.0.0.1';
  const { HostFile } = await import('../../model/index.js');
  const { parseSource } = await import('../../repo/source.js');
  const host = parseSource({ path: file, text }, HostFile);
  return host.ok && host.value.address ? host.value.address : '127.0.0.1';
}

export function discoverCommand(io: Io, runner?: CommandRunner): Command {
  const here = nodeNameFromHostname(hostname());
  return new Command('discover')
    .description(
      'propose services.yaml entries from what runs on this machine (systemd units, docker containers, listening TCP ports)',
    )
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--node <name>', 'the node this machine is', here)
    .option('--source <list>', `where to look, comma-separated (${SOURCE_NAMES.join(', ')})`, SOURCE_NAMES.join(','))
    .option(
      '--address <host>',
      "address for probes of listeners on every interface (default: the node's host.yaml address, else 127.0.0.1)",
    )
    .option('--write', 'merge the proposals into inventory/hosts/<node>/services.yaml (never duplicating a service)')
    .addHelpText(
      'after',
      '\nExample:\n  labwarden discover --repo ~/homelab --node nas            # print proposals as YAML\n  labwarden discover --repo ~/homelab --node nas --write    # add them to services.yaml',
    )
    .action(async (options: { repo: string; node: string; source: string; address?: string; write?: boolean }) => {
      const repo = repoDir(options.repo);
      const node = options.node;
      if (!isName(node))
        throw new UserError(`--node: "${node}" is not a valid node name`, {
          hint: 'Node names are lowercase letters, digits and inner dashes, at most 63 characters.',
        });
      const discover = await import('../../discover/index.js');
      const { discoverServices, execRunner, mergeServices, renderServicesYaml } = discover;
      const { writeIfChanged } = await import('../../fs/atomic.js');
      const sources = parseSources(options.source);
      const address = options.address ?? (await nodeAddress(repo, node));
      const discovery = await discoverServices({ runner: runner ?? execRunner, address, sources });
      for (const warning of discovery.warnings) io.err(`warning: ${warning}`);
      if (!options.write) {
        io.out(
          renderServicesYaml(
            discovery.candidates,
            `Proposed by \`labwarden discover\` for node ${node} (${sources.join(', ')}).\nReview, then run it again with --write to merge into inventory/hosts/${node}/services.yaml.`,
          ),
        );
        return;
      }
      if (!(await stat(path.join(repo, 'inventory')).catch(() => undefined))?.isDirectory()) {
        throw new UserError(`${repo} is not a labwarden repo: inventory/ not found`, {
          hint: 'Create one with `labwarden init DIR`, or pass --repo DIR.',
        });
      }
      if (!(await stat(path.join(repo, 'inventory/hosts', node)).catch(() => undefined))?.isDirectory()) {
        const nodes = await readdir(path.join(repo, 'inventory/hosts')).catch(() => [] as string[]);
        const suggestion = closest(node, nodes);
        throw new UserError(
          `node "${node}" is not in the inventory: inventory/hosts/${node}/ not found${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
          {
            hint: `Pass --node with one of: ${nodes.join(', ') || '(none yet)'}; or add the node with \`mkdir inventory/hosts/${node}\`.`,
          },
        );
      }
      const file = `inventory/hosts/${node}/services.yaml`;
      const existingText = await readRepoFile(repo, file, { maxBytes: LIMITS.inventoryFileBytes });
      const merged = mergeServices(
        existingText === undefined ? undefined : { path: file, text: existingText },
        discovery.candidates,
      );
      if (!merged.ok)
        throw new UserError(`${file} has problems; fix them before merging into it`, { problems: merged.problems });
      await writeIfChanged(repo, file, merged.text);
      io.out(
        `${file}: added ${merged.added.length} service${merged.added.length === 1 ? '' : 's'}${merged.added.length > 0 ? ` (${merged.added.map((candidate) => candidate.name).join(', ')})` : ''}`,
      );
      if (merged.skipped.length > 0)
        io.out(`already listed, skipped: ${merged.skipped.map((candidate) => candidate.name).join(', ')}`);
    });
}
