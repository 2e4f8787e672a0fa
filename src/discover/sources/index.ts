import type { DiscoverySource } from '../types.js';
import { dockerSource } from './docker.js';
import { portsSource } from './ports.js';
import { systemdSource } from './systemd.js';

/**
 * Every discovery source, in the order they run. Order matters: docker claims its
 * published ports first, so the port scan does not propose them again.
 */
export const DISCOVERY_SOURCES = {
  docker: dockerSource,
  systemd: systemdSource,
  ports: portsSource,
} as const satisfies Record<string, DiscoverySource>;

export type SourceName = keyof typeof DISCOVERY_SOURCES;
export const SOURCE_NAMES = Object.keys(DISCOVERY_SOURCES) as SourceName[];
