import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { foldAdminEvents } from '../model/admin-chain.js';
import type { Git } from './client.js';
import { commitOwned, DEFAULT_AUTHOR } from './commit.js';
import { isAppendOnly, isChained, isDerived } from './converge.js';
import { GitFailure } from './errors.js';

/**
 * Another writer's uncommitted files, found while holding the repo lock: so no writer is at
 * work, and they are what a killed run (or a command run without --commit) left. Derived files
 * are dropped (the next reconcile rewrites them); hash-chained and append-only lines were
 * reported to someone as recorded, so they are committed on their own; anything else is a
 * person's edit and is refused with what to do. Returns nothing: afterwards only `owned`
 * files may differ from HEAD.
 */
export async function recoverForeign(git: Git, foreign: string[]): Promise<void> {
  const refused = foreign.filter((file) => !isDerived(file) && !isChained(file) && !isAppendOnly(file));
  if (refused.length > 0) {
    const shown = refused.slice(0, 10).join(', ') + (refused.length > 10 ? ` and ${refused.length - 10} more` : '');
    throw new GitFailure('dirty_tree', `uncommitted changes outside the files this command writes: ${shown}`);
  }
  for (const file of foreign.filter(isDerived)) {
    const restored = await git.attempt(['checkout', 'HEAD', '--', file]);
    if (!restored.ok) await git.run(['rm', '-q', '--cached', '--force', '--', file]);
  }
  const identity = (await git.config('user.email')) ? undefined : DEFAULT_AUTHOR;
  for (const file of foreign.filter(isChained)) {
    const text = await readWorking(git, file);
    const chain = foldAdminEvents(text);
    if (chain.break) {
      throw new GitFailure(
        'dirty_tree',
        `${file} has uncommitted lines that break its chain at line ${chain.break.line} (${chain.break.reason}): left by an interrupted command`,
        '',
        `Drop them with \`git checkout -- ${file}\` and re-issue the last command, or repair the line by hand; \`labwarden validate\` checks it.`,
      );
    }
    const committed = foldAdminEvents(
      await git.attempt(['show', `HEAD:${file}`]).then((shown) => (shown.ok ? shown.out : '')),
    ).events.length;
    const added = chain.events.length - committed;
    await commitOwned(
      git,
      [file],
      `admin: ${added} event${added === 1 ? '' : 's'} an earlier command left uncommitted`,
      identity,
    );
  }
  for (const file of foreign.filter(isAppendOnly)) {
    const text = await readWorking(git, file);
    const bad = text.split('\n').findIndex((line) => line.trim() !== '' && !isJson(line));
    if (bad >= 0 || (text !== '' && !text.endsWith('\n'))) {
      const line = bad >= 0 ? bad + 1 : text.split('\n').length;
      throw new GitFailure(
        'dirty_tree',
        `${file}:${line}: uncommitted line is not JSON (an interrupted write)`,
        '',
        `Drop the uncommitted lines with \`git checkout -- ${file}\`, or repair line ${line} by hand.`,
      );
    }
    await commitOwned(git, [file], 'notify: lines an earlier run left uncommitted', identity);
  }
}

async function readWorking(git: Git, file: string): Promise<string> {
  const full = path.join(git.dir, file);
  return existsSync(full) ? readFile(full, 'utf8') : '';
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
