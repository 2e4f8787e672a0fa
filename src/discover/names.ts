import type { Probe } from '../model/index.js';
import { isName } from '../model/name-pattern.js';

/** Turns a unit, container or process name into a valid service name (`my_app@1` → `my-app-1`). */
export function toServiceName(raw: string): string | undefined {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return isName(name) ? name : undefined;
}

/**
 * Ports whose listeners are almost always HTTP: those get an http probe, the rest tcp.
 * 443 and 8443 are https.
 */
const HTTP_PORTS = new Set([
  80, 443, 3000, 3001, 5000, 5001, 8000, 8080, 8081, 8096, 8123, 8443, 8888, 9000, 9090, 9443, 2283, 8384, 8989, 7878,
  9696, 32400,
]);
const HTTPS_PORTS = new Set([443, 8443, 9443]);

export function probeForPort(host: string, port: number): Probe {
  const hostPart = host.includes(':') ? `[${host}]` : host;
  if (HTTP_PORTS.has(port)) return { http: `${HTTPS_PORTS.has(port) ? 'https' : 'http'}://${hostPart}:${port}/` };
  return { tcp: `${hostPart}:${port}` };
}

/** True for 0.0.0.0, ::, * and empty: a listener on every interface. */
export function isWildcard(host: string): boolean {
  return host === '' || host === '*' || host === '0.0.0.0' || host === '::' || host === '[::]';
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  return bare === '::1' || bare.startsWith('127.') || bare === 'localhost';
}

/** The node name for this machine: its short hostname as a valid name, or `node1`. */
export function nodeNameFromHostname(hostname: string): string {
  return toServiceName(hostname.split('.')[0] ?? '') ?? 'node1';
}
