import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServers, type TestServers } from './helpers/servers.js';
import { Probe } from '../src/model/index.js';
import { runProbes } from '../src/observer/run-probes.js';
import { spawnRunner } from '../src/observer/runner.js';

let servers: TestServers;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers.close());

async function probeOnce(probe: Probe, timeoutMs = 1_000) {
  const started = performance.now();
  const outcome = (await runProbes([{ id: 'n/s', probe }], { runner: spawnRunner, timeoutMs })).get('n/s')!;
  return { outcome, elapsed: performance.now() - started };
}

describe('probes against real local servers and processes', () => {
  it.each([
    ['http 200', () => ({ http: `${servers.http}/ok` }), 'ok', /^HTTP 200$/],
    ['http 200 with expect', () => ({ http: `${servers.http}/ok`, expect: 200 }), 'ok', /^HTTP 200$/],
    ['http 503', () => ({ http: `${servers.http}/down` }), 'failed', /^HTTP 503 from \/down$/],
    ['http 503 expected', () => ({ http: `${servers.http}/down`, expect: 503 }), 'ok', /^HTTP 503$/],
    [
      'http 404 vs expect',
      () => ({ http: `${servers.http}/missing`, expect: 200 }),
      'failed',
      /^HTTP 404 from \/missing \(expected 200\)$/,
    ],
    ['http slow within timeout', () => ({ http: `${servers.http}/slow` }), 'ok', /^HTTP 200$/],
    ['http body contains', () => ({ http: `${servers.http}/body`, contains: 'green' }), 'ok', /^HTTP 200$/],
    [
      'http body lacks',
      () => ({ http: `${servers.http}/body`, contains: 'red' }),
      'failed',
      /^HTTP 200 from \/body without "red" in the body$/,
    ],
    [
      'http connection refused',
      () => ({ http: `http://${servers.tcpClosed}/` }),
      'failed',
      /^connection refused \(127\.0\.0\.1:\d+\)$/,
    ],
    ['tcp open', () => ({ tcp: servers.tcpOpen }), 'ok', /^TCP 127\.0\.0\.1:\d+ open$/],
    ['tcp closed', () => ({ tcp: servers.tcpClosed }), 'failed', /^TCP 127\.0\.0\.1:\d+: connection refused$/],
    ['command exit 0', () => ({ command: 'true' }), 'ok', /^exit 0$/],
    [
      'command exit 1 with stderr',
      () => ({ command: 'echo first >&2; echo "disk full" >&2; exit 1' }),
      'failed',
      /^exit 1: disk full$/,
    ],
    ['command not found', () => ({ command: 'definitely-not-a-command-xyz' }), 'failed', /^exit 127: .*not found$/],
  ] as const)('%s', async (_, probe, status, detail) => {
    const { outcome } = await probeOnce(probe());
    expect(outcome.status).toBe(status);
    expect(outcome.detail).toMatch(detail);
    if (status === 'ok') expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ['an HTTP server that never answers', () => ({ http: `${servers.http}/hang` }), 'http probe timed out after 300ms'],
    ['a slow answer past the timeout', () => ({ http: `${servers.http}/slow` }), 'http probe timed out after 300ms'],
    ['a command that hangs', () => ({ command: 'sleep 30' }), 'command probe timed out after 300ms'],
    [
      'a command whose child keeps the pipes open',
      () => ({ command: 'sleep 30 & sleep 30; wait' }),
      'command probe timed out after 300ms',
    ],
  ] as const)('times out on %s and returns promptly', async (_, probe, detail) => {
    const { outcome, elapsed } = await probeOnce(probe(), 300);
    expect(outcome).toEqual({ status: 'failed', detail });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("a probe's own timeout overrides the default", async () => {
    const { outcome } = await probeOnce(Probe.parse({ http: `${servers.http}/hang`, timeout: '1s' }), 10_000);
    expect(outcome.detail).toBe('http probe timed out after 1s');
  });
});
