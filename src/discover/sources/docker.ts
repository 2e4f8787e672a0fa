import type { Candidate, DiscoverySource } from '../types.js';
import { isLoopback, isWildcard, probeForPort, toServiceName } from '../names.js';

interface DockerPsLine {
  Names?: string;
  Image?: string;
  Ports?: string;
  State?: string;
}

/** Published TCP ports from `0.0.0.0:8096->8096/tcp, :::8096->8096/tcp, 7359/udp`: host side only. */
export function publishedPorts(ports: string): { host: string; port: number }[] {
  const found = new Map<number, string>();
  for (const part of ports.split(',')) {
    const match = /^\s*(.*):(\d+)(?:-\d+)?->\d+(?:-\d+)?\/tcp\s*$/.exec(part);
    if (!match) continue;
    const port = Number(match[2]);
    const host = match[1]!;
    if (!found.has(port) || isWildcard(host)) found.set(port, host);
  }
  return [...found].sort(([a], [b]) => a - b).map(([port, host]) => ({ host, port }));
}

/**
 * Containers from `docker ps --format json` (one JSON object per line). A container that
 * publishes a TCP port is probed there (http on the usual web ports, else tcp); one that
 * publishes nothing is probed through docker itself.
 */
export const dockerSource: DiscoverySource = {
  name: 'docker',
  command: { file: 'docker', args: ['ps', '--format', 'json'] },
  parse(stdout, context) {
    const candidates: Candidate[] = [];
    for (const line of stdout.split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      const container = JSON.parse(line) as DockerPsLine;
      if (container.State && container.State !== 'running') continue;
      const containerName = (container.Names ?? '').split(',')[0]!;
      const name = toServiceName(containerName);
      if (!name) continue;
      const ports = publishedPorts(container.Ports ?? '').filter((entry) => !isLoopback(entry.host));
      const first = ports[0];
      const probe = first
        ? probeForPort(isWildcard(first.host) ? context.address : first.host, first.port)
        : { docker: containerName };
      candidates.push({
        name,
        description: `docker: ${container.Image ?? containerName}`,
        probe,
        ports: ports.map((entry) => entry.port),
      });
    }
    return candidates;
  },
};
