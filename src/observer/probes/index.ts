import type { ProbeKind } from '../../model/index.js';
import { commandProbe } from './command.js';
import { dockerProbe } from './docker.js';
import { httpProbe } from './http.js';
import { systemdProbe } from './systemd.js';
import { tcpProbe } from './tcp.js';
import type { ProbeAdapter } from './types.js';

/** Every probe kind, by the key that selects it in services.yaml. */
export const PROBES: Record<ProbeKind, ProbeAdapter> = {
  http: httpProbe,
  tcp: tcpProbe,
  systemd: systemdProbe,
  docker: dockerProbe,
  command: commandProbe,
};

export type { ProbeAdapter, ProbeContext, ProbeOutcome } from './types.js';
