import net from 'node:net';
import { describeNetworkError } from './http.js';
import type { ProbeAdapter, ProbeOutcome } from './types.js';

/** Connects to host:port; ok when the connection opens. */
export const tcpProbe: ProbeAdapter = {
  kind: 'tcp',
  run(probe, { signal, clock }) {
    const target = probe.tcp!;
    const colon = target.lastIndexOf(':');
    const host = target.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
    const port = Number(target.slice(colon + 1));
    const started = clock();
    return new Promise<ProbeOutcome>((resolve) => {
      const socket = net.connect({ host, port });
      const done = (outcome: ProbeOutcome) => {
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve(outcome);
      };
      const onAbort = () => done({ status: 'failed', detail: `no connection to ${target}` });
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => done({ status: 'ok', detail: `TCP ${target} open`, latencyMs: clock() - started }));
      socket.once('error', (error: NodeJS.ErrnoException) =>
        done({ status: 'failed', detail: `TCP ${target}: ${describeNetworkError(error)}` }),
      );
    });
  },
};
