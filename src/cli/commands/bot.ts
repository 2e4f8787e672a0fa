import { Command } from 'commander';
import type { Io } from '../io.js';
import { repoDir } from '../options.js';

export function botCommand(io: Io, env: Record<string, string | undefined> = process.env): Command {
  return new Command('bot')
    .description(
      'run the Discord bot: slash commands for maintenance, silences and acks (env: DISCORD_TOKEN, DISCORD_APPLICATION_ID, DISCORD_GUILD_ID)',
    )
    .option('--repo <dir>', 'homelab repo (a git clone the bot pulls, commits and pushes)', '.')
    .addHelpText(
      'after',
      '\nExample:\n  labwarden bot --repo /srv/homelab   # with DISCORD_TOKEN, DISCORD_APPLICATION_ID, DISCORD_GUILD_ID set',
    )
    .action(async (options: { repo: string }) => {
      // discord.js loads only for this command.
      const { botConfig, startBot } = await import('../../bot/run.js');
      const { defaultAppender } = await import('../../bot/admin-appender.js');
      const { repoGitOps } = await import('../../bot/persist.js');
      const config = botConfig(env);
      // A bad LABWARDEN_GIT_TIMEOUT is refused at startup, not at the first command.
      (await import('../../git/client.js')).gitTimeoutMs(env);
      const repo = repoDir(options.repo);
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => resolve());
      });
      await startBot(config, {
        repo,
        appender: defaultAppender,
        git: repoGitOps(repo),
        now: () => Date.now(),
        log: (line) => io.err(`${new Date().toISOString()} ${line}`),
        stopped,
      });
    });
}
