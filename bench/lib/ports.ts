/** Discovery targets on loopback: ports known to be closed, and one that accepts and never answers. */
import net from 'node:net';

/** Ports that were free a moment ago: bound on 127.0.0.1 and released, so connecting is refused. */
export async function closedPorts(count: number): Promise<number[]> {
  const listening = (): Promise<net.Server> =>
    new Promise((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
  const servers = await Promise.all(Array.from({ length: count }, listening));
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

/**
 * A black hole for HTTP: completes the TCP handshake, reads whatever is sent, never answers.
 * Listens on a fixed port so it can be switched off (the port is then closed) and on again.
 */
export class SilentServer {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(readonly port: number) {}

  async start(): Promise<void> {
    const server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The floor for a scan of closed ports: one connection attempt to each, all at once, until every one is refused. */
export async function refuseAll(hosts: readonly string[], ports: readonly number[]): Promise<number> {
  const start = performance.now();
  await Promise.all(
    hosts.flatMap((host) =>
      ports.map(
        (port) =>
          new Promise<void>((resolve) => {
            const socket = net.connect({ host, port });
            socket.once('connect', () => socket.destroy());
            socket.once('error', () => resolve());
            socket.once('close', () => resolve());
          }),
      ),
    ),
  );
  return performance.now() - start;
}
