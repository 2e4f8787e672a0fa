import { Command } from 'commander';
import type { Io } from '../io.js';

export function skillsCommand(io: Io): Command {
  return new Command('skills')
    .description('list remediation skills (built-in and inventory/skills/), or the ones matching a recommendation')
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--for <fingerprint>', 'only the skills matching this recommendation, most specific first')
    .option('--json', 'print the skills as JSON (durations in milliseconds)')
    .addHelpText('after', '\nExamples:\n  labwarden skills\n  labwarden skills --for node3/jellyfin/unhealthy_service')
    .action(async (options: { repo: string; for?: string; json?: boolean }) =>
      (await import('./skills-run.js')).runSkills(io, options),
    );
}
