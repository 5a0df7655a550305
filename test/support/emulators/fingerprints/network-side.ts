/** Stand-ins for this computer's network address, on a second loopback address (127.0.0.2, 127.0.0.3, …). */
import net, { type Socket } from 'node:net';

export interface Forwarder {
  /** Every connection accepted, by the address it was made to. */
  connections: string[];
  close(): Promise<void>;
}

/**
 * Makes a server on 127.0.0.1:`port` also answer on `host`:`port`, as a server bound to every
 * interface answers on the computer's network address: each connection is piped to 127.0.0.1.
 */
export function forwardPort(host: string, port: number): Promise<Forwarder> {
  return listenOn(host, port, (inbound, track) => {
    const outbound = net.connect(port, '127.0.0.1');
    track(outbound);
    inbound.pipe(outbound).pipe(inbound);
  });
}

/** A black hole at `host`:`port`: accepts every connection and never answers, as a firewalled address seems to. */
export function blackHole(host: string, port: number): Promise<Forwarder> {
  return listenOn(host, port, () => undefined);
}

async function listenOn(host: string, port: number, onConnection: (inbound: Socket, track: (socket: Socket) => void) => void): Promise<Forwarder> {
  const sockets = new Set<Socket>();
  const connections: string[] = [];
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = net.createServer((inbound) => {
    connections.push(inbound.localAddress ?? '');
    track(inbound);
    onConnection(inbound, track);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
