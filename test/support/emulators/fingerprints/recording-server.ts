import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RecordingServer {
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: http.Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

/**
 * A real HTTP server on 127.0.0.1 (and, when asked, [::1] on the same port) that records every
 * request's method, path and headers before `handler` answers. `close()` destroys open sockets,
 * including ones a handler never answered.
 */
export async function startRecordingServer(handler: Handler, options: { alsoIpv6?: boolean } = {}): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const makeServer = (): http.Server => {
    const server = http.createServer((req, res) => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers } });
      handler(req, res);
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    return server;
  };

  for (let attempt = 0; ; attempt += 1) {
    const servers = [makeServer()];
    await listen(servers[0] as http.Server, '127.0.0.1', 0);
    const port = ((servers[0] as http.Server).address() as AddressInfo).port;
    try {
      if (options.alsoIpv6) {
        servers.push(makeServer());
        await listen(servers[1] as http.Server, '::1', port);
      }
    } catch (error) {
      await Promise.all(servers.map((s) => closeServer(s, sockets)));
      // The same port number may be taken on [::1]; try another.
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < 5) continue;
      throw error;
    }
    return {
      port,
      requests,
      close: async () => {
        await Promise.all(servers.map((s) => closeServer(s, sockets)));
      },
    };
  }
}
