import http from 'node:http';
import https from 'node:https';
import type { ProbeAdapter, ProbeOutcome } from './types.js';

const MAX_BODY = 1024 * 1024;

/** GET the URL; ok when the status is `expect` (default: any 2xx) and the body has `contains`. */
export const httpProbe: ProbeAdapter = {
  kind: 'http',
  run(probe, { signal, clock }) {
    const url = new URL(probe.http!);
    const where = url.pathname === '/' ? url.host : url.pathname;
    const started = clock();
    return new Promise<ProbeOutcome>((resolve) => {
      const client = url.protocol === 'https:' ? https : http;
      // agent: false: no keep-alive socket survives the probe and holds the process open.
      const request = client.get(
        url,
        { agent: false, signal, headers: { 'user-agent': 'labwarden-observer' } },
        (response) => {
          const code = response.statusCode ?? 0;
          const expected = probe.expect === undefined ? code >= 200 && code < 300 : code === probe.expect;
          if (!expected) {
            response.resume();
            return resolve({
              status: 'failed',
              detail: `HTTP ${code} from ${where}${probe.expect === undefined ? '' : ` (expected ${probe.expect})`}`,
              latencyMs: clock() - started,
            });
          }
          if (probe.contains === undefined) {
            response.resume();
            return resolve({ status: 'ok', detail: `HTTP ${code}`, latencyMs: clock() - started });
          }
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (body.length < MAX_BODY) body += chunk;
          });
          response.on('error', (error) =>
            resolve({ status: 'failed', detail: `HTTP ${code} from ${where}: ${error.message}` }),
          );
          response.on('end', () =>
            resolve(
              body.includes(probe.contains!)
                ? { status: 'ok', detail: `HTTP ${code}`, latencyMs: clock() - started }
                : {
                    status: 'failed',
                    detail: `HTTP ${code} from ${where} without ${JSON.stringify(probe.contains)} in the body`,
                    latencyMs: clock() - started,
                  },
            ),
          );
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error.name === 'AbortError') return resolve({ status: 'failed', detail: `no answer from ${where}` });
        resolve({ status: 'failed', detail: `${describeNetworkError(error)} (${url.host})` });
      });
    });
  },
};

export function describeNetworkError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ECONNRESET':
      return 'connection reset';
    default:
      return error.code ? `${error.code.toLowerCase()}: ${error.message}` : error.message;
  }
}
