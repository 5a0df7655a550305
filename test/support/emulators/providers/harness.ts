/**
 * The common part of every provider emulator: a real node:http server on 127.0.0.1 port 0 that
 * records each request, checks it against what the real provider would accept (a wrong request
 * gets a 400 and a recorded violation, so the test fails), and closes without leaving a socket
 * or a timer behind.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path with query, as the client sent it. */
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The parsed body, or `undefined` when it is not JSON. */
  json: unknown;
}

/** What a handler sees and uses to answer. */
export interface Exchange {
  request: RecordedRequest;
  url: URL;
  res: http.ServerResponse;
  /** Records a violation and answers 400; returns false so handlers can `return ex.reject(...)`. */
  reject(reason: string): false;
  /** Answers JSON after `delayMs`. */
  json(status: number, body: unknown, options?: { delayMs?: number; headers?: Record<string, string> }): void;
  /** Answers raw text after `delayMs`. */
  text(status: number, body: string, options?: { delayMs?: number; headers?: Record<string, string> }): void;
  /** Runs `fn` after `ms` unless the emulator closes first. */
  later(ms: number, fn: () => void): void;
  /** Runs `fn` every `ms` until the emulator closes. */
  every(ms: number, fn: () => void): void;
}

export type Handler = (exchange: Exchange) => void;

export interface Harness {
  url: string;
  port: number;
  requests: RecordedRequest[];
  violations: string[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** TCP connections still open now. */
  openConnections(): number;
  close(): Promise<void>;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** Checks every provider applies: the service never sends an Origin header or a library user agent. */
function commonViolation(request: RecordedRequest): string | null {
  if (request.headers.origin !== undefined) return 'an Origin header was sent';
  const agent = request.headers['user-agent'] ?? '';
  if (agent === '' || /\bgot\b/i.test(agent)) return `unexpected user-agent "${agent}"`;
  return null;
}

export interface HarnessOptions {
  /** Headers on every answer, as a real server sends them (llama.cpp's `Server: llama.cpp`). */
  headers?: Record<string, string>;
}

export async function startHarness(handler: Handler, harnessOptions: HarnessOptions = {}): Promise<Harness> {
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let connectionCount = 0;
  let closed = false;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const request: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json: parseJson(body) };
      requests.push(request);
      res.on('error', () => undefined);

      const send = (status: number, payload: string, contentType: string, options: { delayMs?: number; headers?: Record<string, string> } = {}): void => {
        const write = (): void => {
          if (res.destroyed || res.headersSent) return;
          res.writeHead(status, { 'content-type': contentType, ...harnessOptions.headers, ...options.headers });
          res.end(payload);
        };
        if (options.delayMs && options.delayMs > 0) exchange.later(options.delayMs, write);
        else write();
      };
      const exchange: Exchange = {
        request,
        url: new URL(req.url ?? '/', 'http://emulator.invalid'),
        res,
        reject(reason) {
          violations.push(`${request.method} ${request.path}: ${reason}`);
          send(400, JSON.stringify({ error: { message: `emulator: ${reason}`, type: 'emulator_violation' } }), 'application/json');
          return false;
        },
        json(status, payload, options) {
          send(status, JSON.stringify(payload), 'application/json', options);
        },
        text(status, payload, options) {
          send(status, payload, 'text/plain; charset=utf-8', options);
        },
        later(ms, fn) {
          if (closed) return;
          const timer = setTimeout(() => {
            timers.delete(timer);
            fn();
          }, ms);
          timers.add(timer);
        },
        every(ms, fn) {
          if (closed) return;
          const timer = setInterval(fn, ms);
          timers.add(timer);
          res.on('close', () => {
            clearInterval(timer);
            timers.delete(timer);
          });
        },
      };
      const common = commonViolation(request);
      if (common) {
        exchange.reject(common);
        return;
      }
      handler(exchange);
    });
  });
  server.on('connection', (socket: Socket) => {
    connectionCount += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    violations,
    connections: () => connectionCount,
    openConnections: () => sockets.size,
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}

/** Checks shared by the chat-style bodies: a non-empty list of `{role, content}` messages. */
export function messagesViolation(json: unknown): string | null {
  if (typeof json !== 'object' || json === null) return 'the body is not a JSON object';
  const messages = (json as { messages?: unknown }).messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'messages must be a non-empty array';
  const bad = messages.find(
    (m: unknown) => typeof m !== 'object' || m === null || typeof (m as { role?: unknown }).role !== 'string' || typeof (m as { content?: unknown }).content !== 'string',
  );
  return bad === undefined ? null : 'every message needs a role and string content';
}

export function jsonContentTypeViolation(request: RecordedRequest): string | null {
  return (request.headers['content-type'] ?? '').startsWith('application/json') ? null : 'the body must be sent as application/json';
}
