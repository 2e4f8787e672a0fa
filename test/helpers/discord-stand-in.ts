import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  callbackErrors,
  commandErrors,
  invalidFormBody,
  messageErrors,
  type ErrorTree,
  type Errors,
} from './discord-limits.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  authorization: string | undefined;
  body: any;
  /** The status the stand-in answered with. */
  status?: number;
  /** Why the stand-in refused it (400 Invalid Form Body), as Discord nests it. */
  errors?: ErrorTree;
  /** A bot post whose enforced nonce was seen before: Discord returned the first message, posted nothing. */
  duplicate?: boolean;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

type Route = { method: string; pattern: RegExp; respond: (request: RecordedRequest) => ScriptedResponse };

/** Which limits apply to a request, by route (see discord-limits.ts). */
const VALIDATORS: { method: string; pattern: RegExp; check: (body: unknown) => Errors }[] = [
  { method: 'POST', pattern: /^\/api\/v10\/webhooks\/\d+\/[\w-]+$/, check: (body) => messageErrors(body) },
  { method: 'POST', pattern: /^\/api\/v10\/channels\/\d+\/messages$/, check: (body) => messageErrors(body) },
  {
    method: 'PATCH',
    pattern: /^\/api\/v10\/webhooks\/\d+\/[\w-]+\/messages\/[@\w]+$/,
    check: (body) => messageErrors(body),
  },
  { method: 'PATCH', pattern: /^\/api\/v10\/channels\/\d+\/messages\/\d+$/, check: (body) => messageErrors(body) },
  {
    method: 'POST',
    pattern: /^\/api\/v10\/interactions\/\d+\/[\w-]+\/callback$/,
    check: (body) => callbackErrors(body),
  },
  {
    method: 'PUT',
    pattern: /^\/api\/v10\/applications\/\d+\/guilds\/\d+\/commands$/,
    check: (body) => commandErrors(body),
  },
];

/** A scripted 400 exactly as Discord words a refused body. */
export function refusal(errors: ErrorTree): ScriptedResponse {
  return { status: 400, body: { code: 50035, message: 'Invalid Form Body', errors } };
}

/**
 * A local HTTP server standing in for the Discord REST API (discord.js takes it through the
 * REST `api` option; the base ends in /api). Every request is recorded; a request no route
 * expects is answered 599 and listed in `unexpected`, so tests fail on surprises.
 *
 * It is strict as Discord is: a body over a documented limit (discord-limits.ts) is refused
 * with 400 Invalid Form Body and listed in `refusals`, before any route answers. Scripted
 * responses are answered as scripted.
 */
export class DiscordStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly unexpected: RecordedRequest[] = [];
  /** Requests refused for a body over Discord's limits (400 50035). */
  readonly refusals: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly scripts: { method: string; pattern: RegExp; queue: ScriptedResponse[] }[] = [];
  private readonly nonces = new Map<string, unknown>();
  /** Messages posted through a webhook or the bot's channel, by id, as last edited. */
  readonly messages = new Map<string, any>();
  private server: Server | undefined;
  private nextId = 1000;
  /** Interactions dispatched to the bot (id → when), each held to Discord's deadlines. */
  private readonly interactions = new Map<string, { at: number; token: string; answered: boolean }>();
  /** The stand-in's clock (tests move it to expire a token). */
  now: () => number = Date.now;
  api = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.api = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
    this.defaults();
    return this;
  }

  /**
   * Stops the server, and fails the test that refused a body it did not expect: a test that
   * provokes refusals on purpose empties `refusals` once it has checked them.
   */
  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    if (this.refusals.length > 0) {
      throw new Error(
        `Discord would have refused ${this.refusals.length} request(s): ${this.refusals.map((request) => `${request.method} ${request.path} ${JSON.stringify(request.errors)}`).join('; ')}`,
      );
    }
  }

  /**
   * Records an interaction as dispatched now, holding it to Discord's deadlines: the initial
   * response within 3 s (later: 404 10062 Unknown interaction), only one initial response
   * (400 40060), and follow-ups and edits with its token for 15 minutes (401 50027).
   */
  dispatched(raw: { id: string; token: string }): void {
    this.interactions.set(raw.id, { at: this.now(), token: raw.token, answered: false });
  }

  private deadline(request: RecordedRequest): ScriptedResponse | undefined {
    const callback = /^\/api\/v10\/interactions\/(\d+)\/([\w-]+)\/callback$/.exec(request.path);
    if (callback) {
      const interaction = this.interactions.get(callback[1]!);
      if (!interaction) return undefined;
      if (interaction.answered)
        return { status: 400, body: { code: 40060, message: 'Interaction has already been acknowledged.' } };
      if (this.now() - interaction.at > INITIAL_RESPONSE_MS)
        return { status: 404, body: { code: 10062, message: 'Unknown interaction' } };
      interaction.answered = true;
      return undefined;
    }
    const webhook = /^\/api\/v10\/webhooks\/\d+\/([\w-]+)(\/|$)/.exec(request.path);
    const interaction = webhook
      ? [...this.interactions.values()].find((entry) => entry.token === webhook[1])
      : undefined;
    if (interaction && (!interaction.answered || this.now() - interaction.at > TOKEN_MS))
      return { status: 401, body: { code: 50027, message: 'Invalid Webhook Token' } };
    return undefined;
  }

  /** Next responses for a route, before its default (e.g. a 429 then a 500). */
  script(method: string, pattern: RegExp, ...responses: ScriptedResponse[]): void {
    this.scripts.push({ method, pattern, queue: responses });
  }

  route(method: string, pattern: RegExp, respond: Route['respond']): void {
    this.routes.unshift({ method, pattern, respond });
  }

  messageId(): string {
    this.nextId += 1;
    return `1${String(this.nextId).padStart(17, '0')}`;
  }

  private defaults(): void {
    this.routes.push(
      {
        method: 'POST',
        pattern: /^\/api\/v10\/webhooks\/\d+\/[\w-]+$/,
        respond: (request) => ({ status: 200, body: this.store({ id: this.messageId(), ...request.body }) }),
      },
      {
        method: 'POST',
        pattern: /^\/api\/v10\/channels\/\d+\/messages$/,
        respond: (request) => {
          // Discord's enforce_nonce: a repeated nonce returns the first message, posts nothing new.
          const nonce = request.body?.nonce;
          if (request.body?.enforce_nonce && nonce && this.nonces.has(nonce)) {
            request.duplicate = true;
            return { status: 200, body: this.nonces.get(nonce) };
          }
          const message = this.store({ id: this.messageId(), channel_id: request.path.split('/')[4], ...request.body });
          if (nonce) this.nonces.set(nonce, message);
          return { status: 200, body: message };
        },
      },
      {
        method: 'PUT',
        pattern: /^\/api\/v10\/applications\/\d+\/guilds\/\d+\/commands$/,
        respond: (request) => ({
          status: 200,
          body: (request.body as unknown[]).map((command, index) => ({
            id: String(900 + index),
            ...(command as object),
          })),
        }),
      },
      {
        method: 'POST',
        pattern: /^\/api\/v10\/interactions\/\d+\/[\w-]+\/callback$/,
        respond: () => ({ status: 204 }),
      },
      {
        method: 'PATCH',
        pattern: /^\/api\/v10\/webhooks\/\d+\/[\w-]+\/messages\/@original$/,
        respond: (request) => ({ status: 200, body: { id: this.messageId(), ...request.body } }),
      },
      {
        method: 'DELETE',
        pattern: /^\/api\/v10\/webhooks\/\d+\/[\w-]+\/messages\/@original$/,
        respond: () => ({ status: 204 }),
      },
      // Edits of a posted message (webhooks may edit their own): 404 10008 for an unknown id.
      {
        method: 'PATCH',
        pattern: /^\/api\/v10\/webhooks\/\d+\/[\w-]+\/messages\/\d+$/,
        respond: (request) => this.edit(request),
      },
      {
        method: 'PATCH',
        pattern: /^\/api\/v10\/channels\/\d+\/messages\/\d+$/,
        respond: (request) => this.edit(request),
      },
    );
  }

  private store(message: any): any {
    this.messages.set(message.id, message);
    return message;
  }

  private edit(request: RecordedRequest): ScriptedResponse {
    const id = request.path.split('/').at(-1)!;
    const message = this.messages.get(id);
    if (!message) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
    return { status: 200, body: this.store({ ...message, ...request.body, id }) };
  }

  /** A human deletes a message: later edits of it get 404 Unknown Message. */
  deleteMessage(id: string): void {
    this.messages.delete(id);
  }

  /** Accepted new messages (POST), webhook or bot, nonce repeats excluded: these notify people. */
  posts(): RecordedRequest[] {
    const post = /^\/api\/v10\/(?:channels\/\d+\/messages|webhooks\/\d+\/[\w-]+)$/;
    return this.accepted(post).filter((request) => request.method === 'POST' && !request.duplicate);
  }

  /** Accepted edits of posted messages (PATCH by id, not interaction replies): these notify nobody. */
  edits(): RecordedRequest[] {
    return this.accepted(/\/messages\/\d+$/).filter((request) => request.method === 'PATCH');
  }

  /** Posted messages that Discord accepted (status 200), in order. */
  accepted(pattern: RegExp = /./): RecordedRequest[] {
    return this.requests.filter((request) => request.status === 200 && pattern.test(request.path));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stand-in');
    let body: unknown = text;
    if ((req.headers['content-type'] ?? '').includes('json') && text) body = JSON.parse(text);
    const request: RecordedRequest = {
      method: req.method ?? '',
      path: decodeURIComponent(url.pathname),
      query: url.search,
      authorization: req.headers.authorization,
      body,
    };
    this.requests.push(request);
    const script = this.scripts.find(
      (entry) => entry.method === request.method && entry.pattern.test(request.path) && entry.queue.length > 0,
    );
    const route = this.routes.find((entry) => entry.method === request.method && entry.pattern.test(request.path));
    const validator = VALIDATORS.find((entry) => entry.method === request.method && entry.pattern.test(request.path));
    const errors = !script && validator ? validator.check(request.body) : undefined;
    let response: ScriptedResponse;
    const late = this.deadline(request);
    if (late) response = late;
    else if (script) response = script.queue.shift()!;
    else if (errors && Object.keys(errors.tree).length > 0) {
      request.errors = errors.tree;
      this.refusals.push(request);
      response = { status: 400, body: invalidFormBody(errors) };
    } else if (route) response = route.respond(request);
    else {
      this.unexpected.push(request);
      response = { status: 599, body: { message: 'unexpected request' } };
    }
    request.status = response.status;
    const payload = response.body === undefined ? '' : JSON.stringify(response.body);
    res.writeHead(response.status, { ...(payload ? { 'content-type': 'application/json' } : {}), ...response.headers });
    res.end(payload);
  }
}

/** Discord: the initial response within 3 seconds; the token then works for 15 minutes. */
export const INITIAL_RESPONSE_MS = 3000;
export const TOKEN_MS = 15 * 60_000;

export const WEBHOOK_ID = '123456789012345678';
export const WEBHOOK_TOKEN = 'T'.repeat(34) + 'k'.repeat(34);
export const WEBHOOK_URL = `https://discord.com/api/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}`;
