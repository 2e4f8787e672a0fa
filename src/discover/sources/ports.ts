import type { Candidate, DiscoverySource } from '../types.js';
import { isLoopback, isWildcard, probeForPort, toServiceName } from '../names.js';
import { isOsService } from '../os-services.js';

interface Listener {
  host: string;
  port: number;
  process: string | undefined;
}

/** `LISTEN 0 4096 0.0.0.0:5432 0.0.0.0:* users:(("postgres",pid=812,fd=5))` → listener. */
export function parseSsLine(line: string): Listener | undefined {
  const fields = line.trim().split(/\s+/);
  if (fields[0] !== 'LISTEN' || fields.length < 5) return undefined;
  const local = fields[3]!;
  const colon = local.lastIndexOf(':');
  const port = Number(local.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port)) return undefined;
  const host = local
    .slice(0, colon)
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const process = /users:\(\("([^"]+)"/.exec(fields.slice(5).join(' '))?.[1];
  return { host, port, process };
}

/** `grafana` is covered by `grafana-server`, `postgres` by `postgresql-15-main`. */
function isKnown(process: string, names: ReadonlySet<string>): boolean {
  const name = toServiceName(process);
  return name !== undefined && [...names].some((known) => known === name || known.startsWith(name));
}

/**
 * Listening TCP sockets from `ss -ltnpH`, minus loopback-only listeners, the OS's own
 * daemons, and ports or processes an earlier source already accounts for. Without root, ss names only
 * the caller's own processes; the others become `port-<n>`.
 */
export const portsSource: DiscoverySource = {
  name: 'ports',
  command: { file: 'ss', args: ['-ltnpH'] },
  parse(stdout, context) {
    const byPort = new Map<number, Listener>();
    for (const line of stdout.split('\n')) {
      const listener = parseSsLine(line);
      if (!listener || isLoopback(listener.host) || context.claimedPorts.has(listener.port)) continue;
      if (listener.process && (isOsService(listener.process) || isKnown(listener.process, context.knownNames)))
        continue;
      const seen = byPort.get(listener.port);
      if (!seen || (isWildcard(listener.host) && !isWildcard(seen.host)))
        byPort.set(listener.port, { ...listener, process: listener.process ?? seen?.process });
    }
    const candidates: Candidate[] = [];
    const used = new Set<string>();
    for (const listener of [...byPort.values()].sort((a, b) => a.port - b.port)) {
      const base = (listener.process && toServiceName(listener.process)) || `port-${listener.port}`;
      const name = used.has(base) ? `${base}-${listener.port}` : base;
      used.add(name);
      const host = isWildcard(listener.host) ? context.address : listener.host;
      candidates.push({
        name,
        description: `listening on ${listener.host || '*'}:${listener.port}${listener.process ? ` (${listener.process})` : ''}`,
        probe: probeForPort(host, listener.port),
        ports: [listener.port],
      });
    }
    return candidates;
  },
};
