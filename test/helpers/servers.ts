import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TestServers {
  http: string;
  tcpOpen: string;
  tcpClosed: string;
  close: () => Promise<void>;
}

/**
 * Real servers on 127.0.0.1 for the probes: /ok (200), /down (503), /slow (200 after 300ms),
 * /hang (accepts, never answers), /body (200 "status: green"). Anything else is 404.
 */
export async function startTestServers(): Promise<TestServers> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((request, response) => {
    switch (request.url) {
      case '/ok':
        return response.end('fine');
      case '/down':
        response.statusCode = 503;
        return response.end('maintenance');
      case '/slow':
        return void setTimeout(() => response.end('late but fine'), 300);
      case '/hang':
        return; // never answers
      case '/body':
        return response.end('status: green');
      default:
        response.statusCode = 404;
        return response.end();
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const tcp = net.createServer((socket) => socket.end());
  const closed = net.createServer();
  await Promise.all([listen(server), listen(tcp), listen(closed)]);
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve)); // a port that was just free: connection refused
  return {
    http: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tcpOpen: `127.0.0.1:${(tcp.address() as AddressInfo).port}`,
    tcpClosed: `127.0.0.1:${closedPort}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise((resolve) => server.close(resolve)),
        new Promise((resolve) => tcp.close(resolve)),
      ]);
    },
  };
}

function listen(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
}
