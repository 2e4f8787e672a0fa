import { MessageFlags, type Interaction } from 'discord.js';
import type { Policy } from '../model/index.js';
import type { Actor } from './authorize.js';
import { isOperator } from './authorize.js';
import { MUTATING } from './commands.js';
import { truncate } from '../notify/message.js';
import type { CommandOutcome } from './persist.js';
import { fitReply } from './reply.js';
import { autocompleteChoices, requestFromButton, type BotView, type CommandRequest } from './plan-command.js';

export interface InteractionDeps {
  run: (request: CommandRequest) => Promise<CommandOutcome>;
  /** Local view (no pull) for autocomplete. */
  view: () => Promise<BotView>;
  /** Only the policy's operators: all the pre-defer authorization reads (Discord's 3-second deadline). */
  operators: () => Promise<Policy['operators']>;
  log: (line: string) => void;
}

const NO_MENTIONS = { parse: [] as [] };

function actorOf(interaction: Interaction): Actor {
  const member = interaction.member;
  // Uncached members arrive raw, with roles as a string array; cached ones carry a manager.
  const roles = !member ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  return { id: interaction.user.id, name: interaction.user.username, roles };
}

type Replying = Interaction & { deferReply: Function; editReply: Function; reply: Function; followUp: Function; deleteReply: Function };

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Answers only the person who asked (refusals, usage problems, errors). The deferral was
 * public, so that state changes show in the channel; its placeholder is removed and the answer
 * goes out as an ephemeral follow-up.
 */
async function answerPrivately(interaction: Replying, content: string, deps: InteractionDeps): Promise<void> {
  await interaction.followUp({ content: fitReply(content), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }).catch((error: unknown) => deps.log(`private answer not delivered: ${describe(error)}`));
  await interaction.deleteReply().catch((error: unknown) => deps.log(`public placeholder not removed: ${describe(error)}`));
}

async function execute(interaction: Replying, request: CommandRequest, deps: InteractionDeps): Promise<void> {
  if (MUTATING.has(request.command) && !isOperator(await deps.operators(), request.actor)) {
    deps.log(`refused /${request.command} from ${request.actor.name} (${request.actor.id}): not an operator`);
    await interaction.reply({ content: `You are not an operator of this homelab, so /${request.command} was refused.`, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    return;
  }
  // Pull, append, commit and push can take longer than Discord's 3 seconds: defer first.
  await interaction.deferReply();
  let outcome: CommandOutcome;
  try {
    outcome = await deps.run(request);
  } catch (error) {
    deps.log(`/${request.command} failed: ${describe(error)}`);
    await answerPrivately(interaction, `/${request.command} failed: ${truncate(describe(error), 1500)}. Nothing was pushed.`, deps);
    return;
  }
  if (outcome.refused) deps.log(`refused /${request.command} from ${request.actor.name} (${request.actor.id}): not an operator`);
  else deps.log(`/${request.command} by ${request.actor.name} (${request.actor.id})${outcome.commit ? ` → ${outcome.commit}` : ''}`);
  if (outcome.ephemeral) {
    await answerPrivately(interaction, outcome.content, deps);
    return;
  }
  try {
    await interaction.editReply({ content: fitReply(outcome.content, { keepLast: Boolean(outcome.commit) }), allowedMentions: NO_MENTIONS });
  } catch (error) {
    // The command itself succeeded: say so, whatever became of the full reply.
    deps.log(`/${request.command}: the reply was not shown: ${describe(error)}`);
    const done = outcome.commit ? `/${request.command} succeeded and was pushed as ${outcome.commit.slice(0, 12)}` : `/${request.command} succeeded`;
    await interaction
      .editReply({ content: `${done}, but Discord did not take the full reply. /status shows the result.`, allowedMentions: NO_MENTIONS })
      .catch((again: unknown) => deps.log(`/${request.command}: no reply could be shown: ${describe(again)}`));
  }
}

/** Routes one interaction: slash commands, autocomplete, and alert buttons. */
export async function handleInteraction(interaction: Interaction, deps: InteractionDeps): Promise<void> {
  if (interaction.isAutocomplete()) {
    const focused = interaction.options.getFocused(true);
    await interaction.respond(autocompleteChoices(focused.name, String(focused.value), await deps.view()));
    return;
  }
  if (interaction.isChatInputCommand()) {
    const options: Record<string, string | undefined> = {};
    for (const name of ['node', 'reason', 'target', 'duration', 'incident']) {
      const value = interaction.options.getString(name, false);
      if (value !== null) options[name] = value;
    }
    const subcommand = interaction.options.getSubcommand(false) ?? undefined;
    await execute(interaction, { command: interaction.commandName, ...(subcommand ? { subcommand } : {}), options, actor: actorOf(interaction) }, deps);
    return;
  }
  if (interaction.isButton()) {
    const request = requestFromButton(interaction.customId, actorOf(interaction));
    if (!request) {
      await interaction.reply({ content: 'This button is no longer supported.', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    await execute(interaction, request, deps);
  }
}
