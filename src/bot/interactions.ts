import { MessageFlags, type Interaction } from 'discord.js';
import type { Policy } from '../model/index.js';
import type { Actor } from './authorize.js';
import { isOperator } from './authorize.js';
import { MUTATING, PRIVATE } from './commands.js';
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

type Replying = Interaction & {
  deferReply: Function;
  editReply: Function;
  reply: Function;
  followUp: Function;
  deleteReply: Function;
};
type Pressed = Replying & { deferUpdate: Function; customId: string; message: { components: { toJSON(): unknown }[] } };

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Answers only the person who asked (refusals, usage problems, errors). The deferral was
 * public, so that state changes show in the channel; its placeholder is removed and the answer
 * goes out as an ephemeral follow-up.
 */
async function answerPrivately(interaction: Replying, content: string, deps: InteractionDeps): Promise<void> {
  await interaction
    .followUp({ content: fitReply(content), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS })
    .catch((error: unknown) => deps.log(`private answer not delivered: ${describe(error)}`));
  await interaction
    .deleteReply()
    .catch((error: unknown) => deps.log(`public placeholder not removed: ${describe(error)}`));
}

async function execute(interaction: Replying, request: CommandRequest, deps: InteractionDeps): Promise<void> {
  if (MUTATING.has(request.command) && !isOperator(await deps.operators(), request.actor)) {
    deps.log(`refused /${request.command} from ${request.actor.name} (${request.actor.id}): not an operator`);
    await interaction.reply({
      content: `You are not an operator of this homelab, so /${request.command} was refused.`,
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  if (interaction.isButton()) {
    await pressed(interaction as unknown as Pressed, request, deps);
    return;
  }
  // Pull, append, commit and push can take longer than Discord's 3 seconds: defer first.
  const privately = PRIVATE.has(request.command);
  await interaction.deferReply(privately ? { flags: MessageFlags.Ephemeral } : {});
  let outcome: CommandOutcome;
  try {
    outcome = await deps.run(request);
  } catch (error) {
    deps.log(`/${request.command} failed: ${describe(error)}`);
    await answerPrivately(
      interaction,
      `/${request.command} failed: ${truncate(describe(error), 1500)}. Nothing was pushed.`,
      deps,
    );
    return;
  }
  if (outcome.refused)
    deps.log(`refused /${request.command} from ${request.actor.name} (${request.actor.id}): not an operator`);
  else
    deps.log(
      `/${request.command} by ${request.actor.name} (${request.actor.id})${outcome.commit ? ` → ${outcome.commit}` : ''}`,
    );
  if (outcome.ephemeral && !privately) {
    await answerPrivately(interaction, outcome.content, deps);
    return;
  }
  try {
    await interaction.editReply({
      content: fitReply(outcome.content, { keepLast: Boolean(outcome.commit) }),
      allowedMentions: NO_MENTIONS,
    });
  } catch (error) {
    // The command itself succeeded: say so, whatever became of the full reply.
    deps.log(`/${request.command}: the reply was not shown: ${describe(error)}`);
    const done = outcome.commit
      ? `/${request.command} succeeded and was pushed as ${outcome.commit.slice(0, 12)}`
      : `/${request.command} succeeded`;
    await interaction
      .editReply({
        content: `${done}, but Discord did not take the full reply. /status shows the result.`,
        allowedMentions: NO_MENTIONS,
      })
      .catch((again: unknown) => deps.log(`/${request.command}: no reply could be shown: ${describe(again)}`));
  }
}

/** A button after a successful command: disabled, and saying who used it (Discord caps labels at 80). */
function usedButton(components: unknown, customId: string, label: string): unknown {
  if (Array.isArray(components)) return components.map((entry) => usedButton(entry, customId, label));
  if (!components || typeof components !== 'object') return components;
  const entry = components as Record<string, unknown>;
  if (entry.custom_id === customId) return { ...entry, label: truncate(label, 80), disabled: true };
  return entry.components ? { ...entry, components: usedButton(entry.components, customId, label) } : entry;
}

/**
 * An alert button: the alert message it sits on is updated (type 6, then an edit of that
 * message: the used button disabled and saying who used it), the clicker is answered privately,
 * and nothing new is posted in the channel.
 */
async function pressed(interaction: Pressed, request: CommandRequest, deps: InteractionDeps): Promise<void> {
  await interaction.deferUpdate();
  const tell = (content: string) =>
    interaction
      .followUp({
        content: fitReply(content, { keepLast: true }),
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      })
      .catch((error: unknown) => deps.log(`private answer not delivered: ${describe(error)}`));
  let outcome: CommandOutcome;
  try {
    outcome = await deps.run(request);
  } catch (error) {
    deps.log(`/${request.command} (button) failed: ${describe(error)}`);
    await tell(`/${request.command} failed: ${truncate(describe(error), 1500)}. Nothing was pushed.`);
    return;
  }
  deps.log(
    `/${request.command} (button) by ${request.actor.name} (${request.actor.id})${outcome.commit ? ` → ${outcome.commit}` : ''}`,
  );
  if (outcome.ephemeral) {
    await tell(outcome.content);
    return;
  }
  const done =
    request.command === 'ack'
      ? 'Acknowledged'
      : request.command === 'approve'
        ? 'Approved'
        : `Silenced ${request.options.duration ?? ''}`.trim();
  const label = outcome.commit ? `${done} by ${request.actor.name}` : done;
  const components = interaction.message.components.map((row) => usedButton(row.toJSON(), interaction.customId, label));
  const edited = await interaction
    .editReply({ components: components as never, allowedMentions: NO_MENTIONS })
    .then(() => true)
    .catch((error: unknown) => {
      deps.log(`/${request.command}: the alert message was not updated: ${describe(error)}`);
      return false;
    });
  await tell(
    edited
      ? outcome.content
      : `${outcome.content}\n(The alert message itself could not be updated; the change above was made.)`,
  );
}

/** Routes one interaction: slash commands, autocomplete, and alert buttons. */
export async function handleInteraction(interaction: Interaction, deps: InteractionDeps): Promise<void> {
  if (interaction.isAutocomplete()) {
    const focused = interaction.options.getFocused(true);
    await interaction.respond(
      autocompleteChoices(
        focused.name,
        String(focused.value),
        await deps.view(),
        interaction.commandName,
        focused.name === 'skill' ? (interaction.options.getString('fingerprint', false) ?? undefined) : undefined,
      ),
    );
    return;
  }
  if (interaction.isChatInputCommand()) {
    const options: Record<string, string | undefined> = {};
    for (const name of ['node', 'reason', 'target', 'duration', 'incident', 'fingerprint', 'skill']) {
      const value = interaction.options.getString(name, false);
      if (value !== null) options[name] = value;
    }
    const subcommand = interaction.options.getSubcommand(false) ?? undefined;
    await execute(
      interaction,
      { command: interaction.commandName, ...(subcommand ? { subcommand } : {}), options, actor: actorOf(interaction) },
      deps,
    );
    return;
  }
  if (interaction.isButton()) {
    const request = requestFromButton(interaction.customId, actorOf(interaction));
    if (!request) {
      await interaction.reply({
        content: 'This button is no longer supported.',
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
      return;
    }
    await execute(interaction, request, deps);
  }
}
