import { z } from 'zod';
import { Name, ServiceRef } from './names.js';
import { Duration } from './time.js';
import { LIMITS } from './limits.js';

/** Free text in inventory, bounded (src/model/limits.ts). */
const Text = () =>
  z.string().max(LIMITS.inventoryTextChars, { message: `at most ${LIMITS.inventoryTextChars} characters` });

const PROBE_KINDS = ['http', 'tcp', 'systemd', 'docker', 'command'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

export const Probe = z
  .strictObject({
    http: Text()
      .regex(/^https?:\/\/\S+$/, { message: 'an http:// or https:// URL' })
      .optional()
      .describe('URL to GET; ok when the status matches `expect`'),
    expect: z.number().int().min(100).max(599).optional().describe('HTTP status an http probe expects'),
    contains: Text().optional().describe('text the http response body must contain'),
    tcp: Text()
      .regex(/^\S+:\d{1,5}$/, { message: 'host:port' })
      .optional()
      .describe('host:port that must accept a TCP connection'),
    systemd: Text().min(1).optional().describe('systemd unit that must be active'),
    docker: Text().min(1).optional().describe('docker container that must be running'),
    command: Text().min(1).optional().describe('shell command; exit 0 means ok'),
    timeout: Duration.optional().describe('how long the probe may take'),
  })
  .superRefine((probe, ctx) => {
    const kinds = PROBE_KINDS.filter((kind) => probe[kind] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          kinds.length === 0
            ? `a probe needs exactly one of ${PROBE_KINDS.join(', ')}`
            : `a probe has exactly one kind, found ${kinds.join(' and ')}`,
      });
    }
  });
export type Probe = z.infer<typeof Probe>;

export function probeKind(probe: Probe): ProbeKind {
  return PROBE_KINDS.find((kind) => probe[kind] !== undefined) ?? 'command';
}

export const Service = z.strictObject({
  name: Name.describe('service name, unique on the node'),
  description: Text().optional().describe('free text shown on the dashboard'),
  critical: z.boolean().default(false).describe('critical drift makes the summary unstable'),
  depends_on: z.array(ServiceRef).default([]).describe('services this one needs: same node, or node/service'),
  failover: z.array(Name).default([]).describe('nodes that may take this service over'),
  probe: Probe.optional().describe('how the observer checks it: exactly one of http, tcp, systemd, docker, command'),
});
export type Service = z.infer<typeof Service>;

export const ServicesFile = z.strictObject({
  services: z
    .array(Service)
    .max(LIMITS.servicesPerNode, { message: `at most ${LIMITS.servicesPerNode} services per node` })
    .default([]),
});
export type ServicesFile = z.infer<typeof ServicesFile>;

export const HostFile = z.strictObject({
  address: Text().optional().describe('host name or IP address'),
  role: Text().optional().describe('free text, e.g. media or storage'),
  description: Text().optional().describe('free text shown on the dashboard'),
  labels: z.array(Name).default([]).describe('names for grouping nodes'),
  critical: z.boolean().default(false).describe('an offline critical node makes the summary unstable'),
});
export type HostFile = z.infer<typeof HostFile>;

export interface InventoryNode {
  name: string;
  host: HostFile;
  services: Service[];
}

/** Desired state: every node that has a folder under inventory/hosts/, by name. */
export interface Inventory {
  nodes: Map<string, InventoryNode>;
}
