import http from 'node:http';

export interface ProbeTarget {
  /** The IP address to connect to (already resolved and checked against the outbound policy). */
  address: string;
  port: number;
  /** The Host header: the name the learner would use, so virtual hosts answer as they would. */
  hostHeader: string;
}

export interface ProbeOptions {
  /** Aborts every request of the scan at its deadline. */
  signal: AbortSignal;
  connectTimeoutMs: number;
  bodyCapBytes: number;
}

export interface ProbeResponse {
  status: number;
  contentType: string;
  /** The `Server` header, lower-cased; '' when absent. */
  server: string;
  /** At most `bodyCapBytes` of the body, as UTF-8. */
  body: string;
  /** The parsed body when it is complete JSON, else `undefined`. */
  json: unknown;
  truncated: boolean;
}

// Deliberately minimal: no Authorization, api-key, x-api-key, Origin or Cookie ever leaves a probe.
const PROBE_HEADERS = {
  accept: 'application/json, text/plain;q=0.9, */*;q=0.1',
  'user-agent': 'llm-profiles-discovery/1',
  connection: 'close',
};

function parseJson(body: string): unknown {
  const trimmed = body.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * One GET without credentials. Resolves `null` when nothing answered (refused, reset, connect
 * timeout, deadline before the status line); never rejects. A body cut by the cap or the
 * deadline comes back `truncated` with no `json`.
 */
export function probe(target: ProbeTarget, path: string, options: ProbeOptions): Promise<ProbeResponse | null> {
  return new Promise((resolve) => {
    if (options.signal.aborted) {
      resolve(null);
      return;
    }
    let settled = false;
    // At the deadline the probe settles at once, without waiting for its socket to finish
    // closing: with nothing before the status line, with the partial answer after it.
    let atDeadline = (): void => settle(null);
    const onAbort = (): void => atDeadline();
    const settle = (value: ProbeResponse | null): void => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    options.signal.addEventListener('abort', onAbort, { once: true });

    const req = http.request({
      host: target.address,
      port: target.port,
      path,
      method: 'GET',
      agent: false,
      headers: { ...PROBE_HEADERS, host: target.hostHeader },
      signal: options.signal,
    });

    req.once('socket', (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(() => {
        settle(null);
        req.destroy();
      }, options.connectTimeoutMs);
      socket.once('connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });

    let responded = false;
    req.once('response', (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const finish = (): void => {
        const body = Buffer.concat(chunks).toString('utf8');
        const complete = !truncated && res.complete;
        settle({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? '').toLowerCase(),
          server: String(res.headers.server ?? '').toLowerCase(),
          body,
          json: complete ? parseJson(body) : undefined,
          truncated: !complete,
        });
      };
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = options.bodyCapBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, Math.max(room, 0)));
          truncated = true;
          res.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      atDeadline = finish;
      res.once('end', finish);
      res.once('close', finish);
      res.once('error', () => undefined);
    });

    // After the status line, the response's own events settle (with whatever body arrived).
    req.once('error', () => {
      if (!responded) settle(null);
    });
    req.once('close', () => {
      if (!responded) settle(null);
    });
    req.end();
  });
}
