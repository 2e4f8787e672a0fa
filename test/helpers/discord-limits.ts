/**
 * Discord's documented limits, checked the way Discord checks them: a body over a limit is
 * refused with 400 `{"code":50035,"message":"Invalid Form Body","errors":{...}}`, the errors
 * nested by JSON path with `_errors` leaves (what discord.js flattens into its message).
 *
 * Sources (checked, not from memory): discord-api-types payloads/v10/message.d.ts (embed
 * lengths, custom_id max 100), @discordjs/builders (button label ≤ 80, 25 choices), and the
 * Discord docs' embed limits (6,000 characters over every embed of a message).
 *
 * One rule is ours, not Discord's: every message must carry `allowed_mentions: {parse: []}`
 * (a name or reason from the repo must never ping anyone).
 */

export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  embedTotal: 6000,
  actionRows: 5,
  rowComponents: 5,
  customId: 100,
  buttonLabel: 80,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  commands: 100,
  commandName: 32,
  commandDescription: 100,
  commandOptions: 25,
  commandTotal: 4000,
} as const;

export interface FieldError {
  code: string;
  message: string;
}
/** Discord's nested error tree: keys are JSON path segments, leaves are `{_errors: [...]}`. */
export type ErrorTree = { [key: string]: ErrorTree | FieldError[] };

class Errors {
  constructor(
    readonly tree: ErrorTree = {},
    private readonly prefix: readonly (string | number)[] = [],
  ) {}
  /** The same tree, with paths under `prefix` (an interaction reply's `data`). */
  within(prefix: readonly (string | number)[]): Errors {
    return new Errors(this.tree, [...this.prefix, ...prefix]);
  }
  add(path: readonly (string | number)[], error: FieldError): void {
    let node = this.tree;
    for (const segment of [...this.prefix, ...path]) node = (node[String(segment)] ??= {}) as ErrorTree;
    ((node._errors ??= []) as FieldError[]).push(error);
  }
  max(path: readonly (string | number)[], value: unknown, limit: number): void {
    if (typeof value === 'string' && [...value].length > limit)
      this.add(path, { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limit} or fewer in length.` });
    if (Array.isArray(value) && value.length > limit)
      this.add(path, { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limit} or fewer in length.` });
  }
  required(path: readonly (string | number)[], value: unknown): void {
    if (value === undefined || value === null || value === '')
      this.add(path, { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  }
  get empty(): boolean {
    return Object.keys(this.tree).length === 0;
  }
}

const length = (text: unknown) => (typeof text === 'string' ? [...text].length : 0);

function checkEmbeds(embeds: unknown, errors: Errors): void {
  if (embeds === undefined) return;
  if (!Array.isArray(embeds)) return errors.add(['embeds'], { code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
  errors.max(['embeds'], embeds, DISCORD_LIMITS.embeds);
  let total = 0;
  embeds.forEach((embed: any, index) => {
    const at = (...rest: (string | number)[]) => ['embeds', index, ...rest];
    errors.max(at('title'), embed?.title, DISCORD_LIMITS.title);
    errors.max(at('description'), embed?.description, DISCORD_LIMITS.description);
    errors.max(at('footer', 'text'), embed?.footer?.text, DISCORD_LIMITS.footer);
    errors.max(at('author', 'name'), embed?.author?.name, DISCORD_LIMITS.author);
    errors.max(at('fields'), embed?.fields, DISCORD_LIMITS.fields);
    total +=
      length(embed?.title) + length(embed?.description) + length(embed?.footer?.text) + length(embed?.author?.name);
    for (const [position, field] of ((embed?.fields ?? []) as any[]).entries()) {
      errors.max(at('fields', position, 'name'), field?.name, DISCORD_LIMITS.fieldName);
      errors.max(at('fields', position, 'value'), field?.value, DISCORD_LIMITS.fieldValue);
      total += length(field?.name) + length(field?.value);
    }
  });
  if (total > DISCORD_LIMITS.embedTotal)
    errors.add(['embeds'], {
      code: 'MAX_EMBED_SIZE_EXCEEDED',
      message: `Embed size exceeds maximum size of ${DISCORD_LIMITS.embedTotal}`,
    });
}

function checkComponents(components: unknown, errors: Errors): void {
  if (components === undefined) return;
  if (!Array.isArray(components))
    return errors.add(['components'], { code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
  errors.max(['components'], components, DISCORD_LIMITS.actionRows);
  components.forEach((row: any, index) => {
    if (row?.type !== 1)
      errors.add(['components', index, 'type'], {
        code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
        message: 'Top-level components must be action rows.',
      });
    const children = Array.isArray(row?.components) ? row.components : [];
    errors.max(['components', index, 'components'], children, DISCORD_LIMITS.rowComponents);
    children.forEach((button: any, position: number) => {
      const at = (key: string) => ['components', index, 'components', position, key];
      errors.max(at('label'), button?.label, DISCORD_LIMITS.buttonLabel);
      if (button?.style === 5) errors.required(at('url'), button?.url);
      else {
        errors.required(at('custom_id'), button?.custom_id);
        errors.max(at('custom_id'), button?.custom_id, DISCORD_LIMITS.customId);
      }
    });
  });
}

/** A message body: create message, execute webhook, edit, follow-up, or an interaction reply's `data`. */
export function messageErrors(body: any, errors = new Errors()): Errors {
  errors.max(['content'], body?.content, DISCORD_LIMITS.content);
  checkEmbeds(body?.embeds, errors);
  checkComponents(body?.components, errors);
  const speaks =
    (typeof body?.content === 'string' && body.content !== '') ||
    (Array.isArray(body?.embeds) && body.embeds.length > 0);
  const mentions = body?.allowed_mentions;
  if (speaks && !(mentions && Array.isArray(mentions.parse) && mentions.parse.length === 0)) {
    errors.add(['allowed_mentions'], {
      code: 'LABWARDEN_ALLOWED_MENTIONS',
      message: 'labwarden rule: every message sets allowed_mentions {"parse": []}.',
    });
  }
  return errors;
}

/** POST /interactions/{id}/{token}/callback: the reply types labwarden uses. */
export function callbackErrors(body: any): Errors {
  const errors = new Errors();
  const type = body?.type;
  if (type === 4 || type === 7) messageErrors(body?.data ?? {}, errors.within(['data']));
  if (type === 8) {
    const choices = body?.data?.choices;
    if (!Array.isArray(choices))
      errors.add(['data', 'choices'], { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
    else {
      errors.max(['data', 'choices'], choices, DISCORD_LIMITS.choices);
      choices.forEach((choice: any, index: number) => {
        errors.required(['data', 'choices', index, 'name'], choice?.name);
        errors.max(['data', 'choices', index, 'name'], choice?.name, DISCORD_LIMITS.choiceName);
        errors.max(['data', 'choices', index, 'value'], choice?.value, DISCORD_LIMITS.choiceValue);
      });
    }
  }
  return errors;
}

/** PUT /applications/{id}/guilds/{id}/commands. */
export function commandErrors(body: any): Errors {
  const errors = new Errors();
  if (!Array.isArray(body)) {
    errors.add([], { code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return errors;
  }
  errors.max([], body, DISCORD_LIMITS.commands);
  body.forEach((command: any, index: number) => {
    if (!/^[-_\p{L}\p{N}]{1,32}$/u.test(command?.name ?? ''))
      errors.add([index, 'name'], { code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
    errors.max([index, 'description'], command?.description, DISCORD_LIMITS.commandDescription);
    let total = length(command?.name) + length(command?.description);
    const walk = (options: any[] | undefined, path: (string | number)[]) => {
      if (!options) return;
      errors.max([...path, 'options'], options, DISCORD_LIMITS.commandOptions);
      options.forEach((option, position) => {
        const at = [...path, 'options', position];
        errors.max([...at, 'name'], option?.name, DISCORD_LIMITS.commandName);
        errors.max([...at, 'description'], option?.description, DISCORD_LIMITS.commandDescription);
        total += length(option?.name) + length(option?.description);
        for (const choice of option?.choices ?? []) total += length(choice?.name) + length(String(choice?.value ?? ''));
        walk(option?.options, at);
      });
    };
    walk(command?.options, [index]);
    if (total > DISCORD_LIMITS.commandTotal)
      errors.add([index], {
        code: 'APPLICATION_COMMAND_TOO_LARGE',
        message: `Command exceeds maximum size (${DISCORD_LIMITS.commandTotal})`,
      });
  });
  return errors;
}

export function invalidFormBody(errors: Errors): { code: 50035; message: 'Invalid Form Body'; errors: ErrorTree } {
  return { code: 50035, message: 'Invalid Form Body', errors: errors.tree };
}
export type { Errors };
