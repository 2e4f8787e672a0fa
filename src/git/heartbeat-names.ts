// Names of the heartbeat branches and files, without git: the reconcile CLI writes a local
// heartbeat on its fast path, where no git client is loaded.

export const HEARTBEAT_PREFIX = 'labwarden/heartbeat/';

export interface BranchHeartbeat {
  node: string;
  seen_at: string;
}

/** The one file of a heartbeat branch: `<name>.json`, as the observer writes it (src/observer/heartbeat.ts). */
export const heartbeatFile = (name: string) => `${name}.json`;

/** A heartbeat's text, on its branch and in `.labwarden/heartbeats/<name>.json`. */
export function heartbeatText(name: string, seenAt: string): string {
  return `${JSON.stringify({ node: name, seen_at: seenAt })}\n`;
}
