import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The address the request was sent to (which of the server's addresses). */
  localAddress: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RecordingServer {
  port: number;
  requests: RecordedRequest[];
  /** The most connections that were open at the same moment. */
  peakConnections(): number;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Also listen on [::1] with the same port, as a dual-stack server would. */
  alsoIpv6?: boolean;
  /** More addresses to listen on with the same port (e.g. 127.0.0.2 standing in for a network address). */
  alsoOn?: string[];
  /** The listen backlog: connections the kernel completes before the server accepts them (node's default is 511). */
  backlog?: number;
  /**
   * Requests handled at once, the rest queued in arrival order, as a server with a fixed pool of
   * HTTP threads does (cpp-httplib under llama.cpp: 3). Unset: every request at once.
   */
  workers?: number;
  /** How long each worker takes before it answers. */
  workDelayMs?: number;
}

function listen(server: http.Server, host: string, port: number, backlog: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, backlog, () => {
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

/** Runs at most `workers` handlers at once, each after `delayMs`; the others wait their turn. */
function workerPool(handler: Handler, workers: number, delayMs: number): Handler {
  const waiting: (() => void)[] = [];
  let busy = 0;
  const release = (): void => {
    busy -= 1;
    const next = waiting.shift();
    if (next) next();
  };
  return (req, res) => {
    const run = (): void => {
      busy += 1;
      res.once('close', release);
      setTimeout(() => {
        if (!res.destroyed) handler(req, res);
      }, delayMs);
    };
    if (busy < workers) run();
    else waiting.push(run);
  };
}

/**
 * A real HTTP server on 127.0.0.1 (and, when asked, more addresses on the same port) that
 * records every request's method, path and headers before `handler` answers. `close()` destroys
 * open sockets, including ones a handler never answered.
 */
export async function startRecordingServer(handler: Handler, options: ServerOptions = {}): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let peak = 0;
  const backlog = options.backlog ?? 511;
  const answer = options.workers === undefined ? handler : workerPool(handler, options.workers, options.workDelayMs ?? 0);
  const makeServer = (): http.Server => {
    const server = http.createServer((req, res) => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, localAddress: req.socket.localAddress ?? '' });
      answer(req, res);
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      peak = Math.max(peak, sockets.size);
      socket.once('close', () => sockets.delete(socket));
    });
    return server;
  };

  for (let attempt = 0; ; attempt += 1) {
    const servers = [makeServer()];
    await listen(servers[0] as http.Server, '127.0.0.1', 0, backlog);
    const port = ((servers[0] as http.Server).address() as AddressInfo).port;
    try {
      for (const host of [...(options.alsoIpv6 ? ['::1'] : []), ...(options.alsoOn ?? [])]) {
        const server = makeServer();
        servers.push(server);
        await listen(server, host, port, backlog);
      }
    } catch (error) {
      await Promise.all(servers.map((s) => closeServer(s, sockets)));
      // The same port number may be taken on another address; try another.
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < 5) continue;
      throw error;
    }
    return {
      port,
      requests,
      peakConnections: () => peak,
      close: async () => {
        await Promise.all(servers.map((s) => closeServer(s, sockets)));
      },
    };
  }
}
