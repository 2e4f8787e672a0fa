import path from 'node:path';
import { Command } from 'commander';
import type { Io } from '../io.js';
import { parseNow, repoDir } from '../options.js';

export function siteCommand(io: Io): Command {
  const build = new Command('build')
    .description('build the Astro status site from the repo (plain HTML and CSS, no client JavaScript needed)')
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--out <dir>', 'output folder (default: <repo>/site/dist)')
    .option('--base <path>', 'base path, for GitHub Pages project sites (e.g. /homelab/)', '/')
    .option('--site <url>', 'public URL of the site, for absolute links in the Atom feed')
    .option('--now <iso>', 'end of the 90-day availability window (default: the newest time in the data)')
    .option(
      '--heartbeat-remote <remote>',
      'fetch the reconciler heartbeat branch (labwarden/heartbeat/_reconciler) from this remote: the site shows the last successful reconcile',
    )
    .addHelpText('after', '\nExample:\n  labwarden site build --repo ~/homelab --base /homelab/')
    .action(
      async (options: {
        repo: string;
        out?: string;
        base: string;
        site?: string;
        now?: string;
        heartbeatRemote?: string;
      }) => {
        const { buildSite, normalizeBase } = await import('../../site/build.js');
        const { readReconcilerHeartbeat } = await import('../../watchdog/reconciler-heartbeat.js');
        const repo = repoDir(options.repo);
        const out = options.out ? path.resolve(options.out) : path.join(repo, 'site/dist');
        const base = normalizeBase(options.base);
        const now = options.now === undefined ? undefined : new Date(parseNow(options.now)).toISOString();
        let lastReconcile: string | undefined;
        if (options.heartbeatRemote) {
          // A site without the time is still worth deploying: warn, do not fail.
          lastReconcile = await readReconcilerHeartbeat(repo, { remote: options.heartbeatRemote, fetch: true }).catch(
            (error: unknown) => {
              io.err(
                `warning: reconciler heartbeat not fetched from ${options.heartbeatRemote}: ${error instanceof Error ? error.message : String(error)}`,
              );
              return undefined;
            },
          );
        }
        const started = performance.now();
        await buildSite({ repo, out, base, site: options.site, now, lastReconcile });
        io.out(`site built in ${((performance.now() - started) / 1000).toFixed(1)}s: ${out}`);
      },
    );
  // Subcommands do not inherit settings applied to the parent later, so set them here.
  build.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err }).showSuggestionAfterError(true);
  return new Command('site').description('the static status dashboard').addCommand(build);
}
