import { Client, Events, GatewayIntentBits, REST, Routes } from 'discord.js';
import { UserError } from '../errors/problem.js';
import { discordApi } from '../notify/sinks/registry.js';
import type { AdminAppender } from './admin-appender.js';
import { COMMANDS } from './commands.js';
import { handleInteraction } from './interactions.js';
import { createCommandRunner, type CommandRunner, type GitOps } from './persist.js';
import { readBotView, readOperators } from './repo-view.js';

export interface BotConfig {
  token: string;
  applicationId: string;
  guildId: string;
  api: string;
}

// Any digits: test stand-ins and old snowflakes are shorter than today's 17-20.
const SNOWFLAKE = /^\d{1,20}$/;

/** Reads the bot settings from the environment; every problem at once, never the token. */
export function botConfig(env: Record<string, string | undefined>): BotConfig {
  const missing: string[] = [];
  if (!env.DISCORD_TOKEN) missing.push('DISCORD_TOKEN (the bot token)');
  if (!env.DISCORD_APPLICATION_ID || !SNOWFLAKE.test(env.DISCORD_APPLICATION_ID))
    missing.push('DISCORD_APPLICATION_ID (a numeric id)');
  if (!env.DISCORD_GUILD_ID || !SNOWFLAKE.test(env.DISCORD_GUILD_ID)) missing.push('DISCORD_GUILD_ID (a numeric id)');
  if (missing.length > 0) {
    throw new UserError(`the bot is not configured: missing or invalid ${missing.join(', ')}`, {
      hint: 'Set them in the environment (Discord Developer Portal → your application).',
    });
  }
  return {
    token: env.DISCORD_TOKEN!,
    applicationId: env.DISCORD_APPLICATION_ID!,
    guildId: env.DISCORD_GUILD_ID!,
    api: discordApi(env),
  };
}

/** Registers the slash commands for one guild (one PUT replaces the whole set). */
export async function registerCommands(rest: REST, config: BotConfig): Promise<void> {
  try {
    await rest.get(Routes.guild(config.guildId));
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 401)
      throw new UserError('DISCORD_TOKEN was rejected by Discord (401)', {
        hint: 'Reset the token in the Developer Portal and set DISCORD_TOKEN again.',
      });
    if (status === 403 || status === 404)
      throw new UserError(`unknown guild ${config.guildId}: the bot is not a member of it (${status})`, {
        hint: 'Invite the bot to the server, or fix DISCORD_GUILD_ID.',
      });
    // No HTTP status: Discord (or DISCORD_API_URL) is unreachable, which is no bug of ours.
    if (status === undefined)
      throw new UserError(`cannot reach the Discord API: ${error instanceof Error ? error.message : String(error)}`, {
        hint: 'Check the network, or DISCORD_API_URL if it is set; then start the bot again.',
        exitCode: 1,
      });
    throw error;
  }
  await rest.put(Routes.applicationGuildCommands(config.applicationId, config.guildId), { body: COMMANDS });
}

export interface BotDeps {
  repo: string;
  appender: AdminAppender;
  git: GitOps;
  now: () => number;
  log: (line: string) => void;
  /** Resolves when the bot should stop (SIGTERM); the bot then disconnects cleanly. */
  stopped: Promise<void>;
}

const runners = new WeakMap<Client, CommandRunner>();

/** A SIGTERM lets the commands already taken finish (their pushes and replies), up to this long. */
const DRAIN_MS = 60_000;

/** Wires a discord.js client to the command handlers. Exposed for tests (no login). */
export function createBotClient(config: BotConfig, deps: Omit<BotDeps, 'stopped'>): Client {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: config.api } });
  const run = createCommandRunner(deps);
  runners.set(client, run);
  const view = () => readBotView(deps.repo, deps.now());
  client.on(Events.InteractionCreate, (interaction) => {
    handleInteraction(interaction, { run, view, operators: () => readOperators(deps.repo), log: deps.log }).catch(
      (error: unknown) =>
        deps.log(`interaction failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    );
  });
  return client;
}

/** `labwarden bot`: registers commands, connects, logs health, stops on SIGTERM. */
export async function startBot(config: BotConfig, deps: BotDeps): Promise<void> {
  const rest = new REST({ version: '10', api: config.api }).setToken(config.token);
  await registerCommands(rest, config);
  deps.log(`registered ${COMMANDS.length} commands in guild ${config.guildId}`);
  const client = createBotClient(config, deps);
  client.on(Events.ClientReady, (ready) => deps.log(`bot ready as ${ready.user.tag}; repo ${deps.repo}`));
  client.on(Events.ShardDisconnect, () => deps.log('disconnected from the gateway; discord.js reconnects'));
  client.on(Events.ShardResume, () => deps.log('gateway connection resumed'));
  const health = setInterval(
    () => deps.log(`health: ${client.isReady() ? 'ready' : 'connecting'}, gateway ping ${client.ws.ping}ms`),
    300_000,
  );
  health.unref();
  try {
    await client.login(config.token);
  } catch (error) {
    clearInterval(health);
    await client.destroy();
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    const name = (error as { code?: string }).code;
    if (name === 'TokenInvalid')
      throw new UserError('DISCORD_TOKEN was rejected by Discord', {
        hint: 'Reset the token in the Developer Portal.',
      });
    throw error;
  }
  await deps.stopped;
  let drained: NodeJS.Timeout | undefined;
  const waited = await Promise.race([
    runners
      .get(client)!
      .idle()
      .then(() => true),
    new Promise<boolean>((resolve) => (drained = setTimeout(() => resolve(false), DRAIN_MS))),
  ]);
  clearTimeout(drained);
  if (!waited) deps.log(`stopping: a command still runs after ${DRAIN_MS / 1000}s; its reply may be lost`);
  deps.log('stopping: disconnecting from Discord');
  clearInterval(health);
  await client.destroy();
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
}
