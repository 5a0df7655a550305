import type { Server } from 'node:http';

/** After this long, connections still open are cut so a stuck client cannot keep the data folder locked. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Stops new work and lets requests in flight finish. `server.close()` alone leaves keep-alive
 * connections serving new requests until they idle out (5 s or never, for a busy client), so
 * every answer from now on closes its connection and idle ones are closed as they appear.
 */
export function drain(server: Server): () => void {
  server.prependListener('request', (_req, res) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  });
  const sweep = setInterval(() => server.closeIdleConnections(), 25);
  const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  return () => {
    clearInterval(sweep);
    clearTimeout(cut);
  };
}
