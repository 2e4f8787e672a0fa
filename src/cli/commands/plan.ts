import { Command } from 'commander';
import { renderPlan, DEFAULT_MAX_BYTES } from '../../plan/render.js';
import type { Io } from '../io.js';
import { parseNow, repoDir } from '../options.js';

export function planCommand(io: Io): Command {
  return new Command('plan')
    .description('markdown of the recommendations this change would open, change or clear, compared with a base ref')
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--base <ref>', 'compare with this ref (in a pull_request checkout: HEAD^1 is the base branch)', 'HEAD')
    .option('--now <iso>', 'time that decides staleness, the same for both sides (default: the wall clock)')
    .option('--max-bytes <n>', 'truncate the markdown at this size', String(DEFAULT_MAX_BYTES))
    .option(
      '--json',
      'print the comparison as JSON (base, summary before and after, opened, cleared, changed) instead of markdown',
    )
    .addHelpText(
      'after',
      '\nExample:\n  labwarden plan --base HEAD^1 >> "$GITHUB_STEP_SUMMARY"   # in a pull-request workflow',
    )
    .action(async (options: { repo: string; base: string; now?: string; maxBytes: string; json?: boolean }) => {
      const { planChange } = await import('../../plan/plan.js');
      const diff = await planChange({ repo: repoDir(options.repo), base: options.base, now: parseNow(options.now) });
      if (options.json) return io.out(JSON.stringify({ base: options.base, ...diff }, null, 2));
      io.out(renderPlan(diff, { base: options.base, maxBytes: Number(options.maxBytes) || DEFAULT_MAX_BYTES }));
    });
}
