import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DiscordStandIn } from './discord-stand-in.js';

/** Gateway opcodes (Discord docs, "Gateway Opcodes"). */
const OP = { dispatch: 0, heartbeat: 1, identify: 2, hello: 10, heartbeatAck: 11 } as const;

export interface GatewayGuild {
  id: string;
  name: string;
}

/**
 * A local Discord gateway (a WebSocket server, JSON encoding, no compression) for a bot run as
 * a real process: HELLO → IDENTIFY → READY → GUILD_CREATE, a HEARTBEAT_ACK for each heartbeat,
 * and INTERACTION_CREATE dispatched on demand. `attach` makes the REST stand-in's
 * `GET /gateway/bot` point here (discord.js asks it for the URL before connecting).
 */
export class DiscordGateway {
  /** Every payload the bot sent (identify, heartbeats), in order. */
  readonly received: { op: number; d: any }[] = [];
  /** Close codes of the connections that ended (1000: the bot disconnected cleanly). */
  readonly closes: number[] = [];
  private server: WebSocketServer | undefined;
  private readonly sockets = new Set<WebSocket>();
  private readonly ready = new Set<WebSocket>();
  private seq = 0;
  url = '';

  constructor(
    private readonly rest: DiscordStandIn,
    private readonly application: { id: string; guild: GatewayGuild },
  ) {}

  async start(): Promise<this> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.server!.once('listening', () => resolve()));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.server.on('connection', (socket) => this.connected(socket));
    const limit = { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 };
    this.rest.route('GET', /^\/api\/v10\/gateway\/bot$/, () => ({
      status: 200,
      body: { url: this.url, shards: 1, session_start_limit: limit },
    }));
    return this;
  }

  /** Whether a bot has identified and been sent READY and its guild. */
  isReady(): boolean {
    return this.ready.size > 0;
  }

  /** Sends INTERACTION_CREATE to every identified connection; the REST stand-in starts its deadlines. */
  interaction(raw: { id: string; token: string }): void {
    if (this.ready.size === 0) throw new Error('no bot is connected to the gateway stand-in');
    this.rest.dispatched(raw);
    for (const socket of this.ready) this.dispatch(socket, 'INTERACTION_CREATE', raw);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private connected(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', (code) => {
      this.closes.push(code);
      this.sockets.delete(socket);
      this.ready.delete(socket);
    });
    socket.on('message', (data) => this.message(socket, JSON.parse(String(data)) as { op: number; d: any }));
    socket.send(JSON.stringify({ op: OP.hello, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
  }

  private message(socket: WebSocket, payload: { op: number; d: any }): void {
    this.received.push(payload);
    if (payload.op === OP.heartbeat) socket.send(JSON.stringify({ op: OP.heartbeatAck, d: null, s: null, t: null }));
    if (payload.op !== OP.identify) return;
    const { id, guild } = this.application;
    this.dispatch(socket, 'READY', {
      v: 10,
      user: { id, username: 'labwarden', discriminator: '0', global_name: null, avatar: null, bot: true, flags: 0 },
      guilds: [{ id: guild.id, unavailable: true }],
      session_id: 'session-1',
      resume_gateway_url: this.url,
      shard: [0, 1],
      application: { id, flags: 0 },
    });
    this.dispatch(socket, 'GUILD_CREATE', {
      id: guild.id,
      name: guild.name,
      icon: null,
      owner_id: '1',
      unavailable: false,
      member_count: 1,
      large: false,
      joined_at: '2026-01-01T00:00:00Z',
      features: [],
      roles: [],
      emojis: [],
      stickers: [],
      channels: [],
      threads: [],
      members: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    });
    this.ready.add(socket);
  }

  private dispatch(socket: WebSocket, event: string, data: unknown): void {
    this.seq += 1;
    socket.send(JSON.stringify({ op: OP.dispatch, t: event, s: this.seq, d: data }));
  }
}
