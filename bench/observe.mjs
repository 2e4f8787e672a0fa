#!/usr/bin/env node
// Observing 200 services (mixed probes, 10% hanging) must finish within
// timeout × ceil(200 / concurrency). Runs the built CLI against real local servers.
// Usage: npm run bench:observe [-- --timeout 5s --concurrency 8 --services 200]
import { execFile } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    timeout: { type: 'string', default: '5s' },
    concurrency: { type: 'string', default: '8' },
    services: { type: 'string', default: '200' },
  },
});
const total = Number(values.services);
const concurrency = Number(values.concurrency);
const timeoutMs = /ms$/.test(values.timeout)
  ? Number.parseInt(values.timeout, 10)
  : Number.parseInt(values.timeout, 10) * 1000;

const sockets = new Set();
const server = http.createServer((req, res) => {
  if (req.url === '/hang') return; // accepts, never answers
  res.statusCode = req.url === '/down' ? 503 : 200;
  res.end('ok');
});
server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
const tcp = net.createServer((s) => s.end());
await Promise.all([server, tcp].map((s) => new Promise((r) => s.listen(0, '127.0.0.1', r))));
const base = `http://127.0.0.1:${server.address().port}`;
const tcpOpen = `127.0.0.1:${tcp.address().port}`;

// Every 10th service hangs (half an HTTP server that never answers, half a command that sleeps).
const kinds = [
  () => ({ http: `${base}/ok` }),
  () => ({ http: `${base}/down` }),
  () => ({ tcp: tcpOpen }),
  () => ({ tcp: '127.0.0.1:1' }),
  () => ({ command: 'true' }),
  () => ({ command: 'exit 1' }),
  () => ({ systemd: 'bench.service' }),
  () => ({ docker: 'bench' }),
  () => ({ http: `${base}/ok`, expect: 200 }),
];
const probeFor = (i) =>
  i % 10 === 9 ? (i % 20 === 9 ? { http: `${base}/hang` } : { command: 'sleep 600' }) : kinds[i % 9]();

const repo = path.join(root, 'bench/tmp/observe');
await rm(repo, { recursive: true, force: true });
const perNode = 20;
for (let n = 0; n * perNode < total; n++) {
  const lines = ['services:'];
  for (let i = n * perNode; i < Math.min(total, (n + 1) * perNode); i++)
    lines.push(`  - { name: s${i}, probe: ${JSON.stringify(probeFor(i))} }`);
  await mkdir(path.join(repo, `inventory/hosts/node${n}`), { recursive: true });
  await writeFile(path.join(repo, `inventory/hosts/node${n}/services.yaml`), `${lines.join('\n')}\n`);
}

function observe(now) {
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [
        path.join(root, 'bin/labwarden.js'),
        'observe',
        '--repo',
        repo,
        '--now',
        now,
        '--timeout',
        values.timeout,
        '--concurrency',
        String(concurrency),
      ],
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ ms: performance.now() - started, stdout }),
    ),
  );
}

const bound = timeoutMs * Math.ceil(total / concurrency);
const hanging = Array.from({ length: total }, (_, i) => i).filter((i) => i % 10 === 9).length;
const first = await observe('2026-11-22T10:00:00Z');
const second = await observe('2026-11-22T10:01:00Z');
for (const s of sockets) s.destroy();
server.close();
tcp.close();
const written = (text) => text.split('\n').filter((line) => line.endsWith(' written')).length;
console.log(`services: ${total} (${hanging} hanging), concurrency ${concurrency}, timeout ${values.timeout}`);
console.log(`bound timeout × ceil(${total}/${concurrency}): ${(bound / 1000).toFixed(1)}s`);
console.log(`first run:  ${(first.ms / 1000).toFixed(2)}s wall, ${written(first.stdout)} snapshots written`);
console.log(
  `second run: ${(second.ms / 1000).toFixed(2)}s wall, ${written(second.stdout)} snapshots written (nothing observable changed)`,
);
const ok = first.ms < bound && second.ms < bound;
console.log(ok ? 'within bound' : 'OVER BOUND');
process.exitCode = ok ? 0 : 1;
