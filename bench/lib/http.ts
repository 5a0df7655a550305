/**
 * A minimal HTTP client for the sequential loops: one request at a time, timed from the first
 * byte written to the last byte read, over a keep-alive connection unless asked for a fresh one.
 */
import http from 'node:http';

export interface Reply {
  status: number;
  body: string;
  ms: number;
}

export class BenchClient {
  private readonly agent: http.Agent | false;

  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
    options: { keepAlive?: boolean } = {},
  ) {
    this.agent = options.keepAlive === false ? false : new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const url = new URL(path, this.baseUrl);
    return new Promise((resolve, reject) => {
      const start = performance.now();
      const req = http.request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            Accept: 'application/json',
            ...this.headers,
            ...headers,
            ...(payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - start }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like `request`, but fails unless the status is the one expected; returns the parsed body. */
  async expect<T = Record<string, unknown>>(status: number, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ ms: number; json: T }> {
    const reply = await this.request(method, path, body, headers);
    if (reply.status !== status) {
      throw new Error(`${method} ${path}: expected ${status}, got ${reply.status}: ${reply.body.slice(0, 300)}`);
    }
    return { ms: reply.ms, json: JSON.parse(reply.body) as T };
  }

  close(): void {
    if (this.agent) this.agent.destroy();
  }
}
