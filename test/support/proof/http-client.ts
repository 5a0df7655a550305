import http from 'node:http';

export interface ProofRequest {
  method: string;
  /** Path and query, already encoded. */
  path: string;
  headers: Record<string, string>;
  /** Raw bytes to send; JSON bodies are serialised by the caller so malformed ones can be sent too. */
  body?: string;
}

export interface ProofResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Parsed JSON when the body is JSON; undefined otherwise. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Real HTTP to 127.0.0.1 over a keep-alive agent of its own (closed by close()). */
export class ProofClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  constructor(
    readonly port: number,
    readonly token: string,
  ) {}

  get auth(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}` };
  }

  /**
   * Sends once more, on a fresh connection, when a reused keep-alive socket turns out to have
   * been closed by the server meanwhile (the race Node's documentation describes): that request
   * never reached the server.
   */
  async send(request: ProofRequest): Promise<ProofResponse> {
    try {
      return await this.sendOnce(request);
    } catch (error) {
      if ((error as { reusedSocket?: boolean }).reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') return this.sendOnce(request);
      throw error;
    }
  }

  private sendOnce(request: ProofRequest): Promise<ProofResponse> {
    const headers = { ...request.headers };
    if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body));
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, method: request.method, path: request.path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      });
      req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      if (request.body !== undefined) req.write(request.body);
      req.end();
    });
  }

  /** JSON convenience for set-up requests. */
  json(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ProofResponse> {
    return this.send({
      method,
      path,
      headers: { ...this.auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}… (${text.length} chars)` : text;
}

/** The exchange, for a failure message: operation, request (token masked) and response. */
export function describeExchange(operationId: string, request: ProofRequest, response: ProofResponse | undefined, problems: string[]): string {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, k.toLowerCase() === 'authorization' ? 'Bearer <token>' : v]));
  return [
    `operation: ${operationId}`,
    `problems:\n  - ${problems.join('\n  - ')}`,
    `request: ${request.method} ${clip(request.path, 400)}`,
    `  headers: ${JSON.stringify(headers)}`,
    request.body === undefined ? '  body: (none)' : `  body: ${clip(request.body, 1500)}`,
    response === undefined ? 'response: (none)' : `response: ${response.status}\n  headers: ${JSON.stringify(response.headers)}\n  body: ${clip(response.text, 1500)}`,
  ].join('\n');
}
