import { MessageFlags, type Interaction } from 'discord.js';
import type { Actor } from './authorize.js';
import { isOperator } from './authorize.js';
import { MUTATING } from './commands.js';
import type { CommandOutcome } from './persist.js';
import { autocompleteChoices, requestFromButton, type BotView, type CommandRequest } from './plan-command.js';

export interface InteractionDeps {
  run: (request: CommandRequest) => Promise<CommandOutcome>;
  /** Local view (no pull) for the fast paths: autocomplete and the pre-defer authorization. */
  view: () => Promise<BotView>;
  log: (line: string) => void;
}

const NO_MENTIONS = { parse: [] as [] };

function actorOf(interaction: Interaction): Actor {
  const member = interaction.member;
  // Uncached members arrive raw, with roles as a string array; cached ones carry a manager.
  const roles = !member ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  return { id: interaction.user.id, name: interaction.user.username, roles };
}

async function execute(interaction: Interaction & { deferReply: Function; editReply: Function; reply: Function }, request: CommandRequest, deps: InteractionDeps): Promise<void> {
  if (MUTATING.has(request.command) && !isOperator((await deps.view()).policy.operators, request.actor)) {
    deps.log(`refused /${request.command} from ${request.actor.name} (${request.actor.id}): not an operator`);
    await interaction.reply({ content: `You are not an operator of this homelab, so /${request.command} was refused.`, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    return;
  }
  // Pull, append, commit and push can take longer than Discord's 3 seconds: defer first.
  await interaction.deferReply();
  try {
    const outcome = await deps.run(request);
    if (outcome.refused) deps.log(`refused /${request.command} from ${request.actor.name} (${request.actor.id}): not an operator`);
    else deps.log(`/${request.command} by ${request.actor.name} (${request.actor.id})${outcome.commit ? ` → ${outcome.commit}` : ''}`);
    await interaction.editReply({ content: outcome.content, allowedMentions: NO_MENTIONS });
  } catch (error) {
    deps.log(`/${request.command} failed: ${error instanceof Error ? error.message : String(error)}`);
    await interaction.editReply({ content: `/${request.command} failed: ${error instanceof Error ? error.message.slice(0, 1500) : 'unknown error'}. Nothing was pushed.`, allowedMentions: NO_MENTIONS });
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
      await interaction.reply({ content: 'This button is no longer supported.', flags: MessageFlags.Ephemeral });
      return;
    }
    await execute(interaction, request, deps);
  }
}
