/**
 * The real service, as `npm start` composes it (the built code in dist/), in its own process so
 * the load generator does not share its event loop. Driven by bench/run.ts over IPC: the first
 * message is the start options, `stop` closes it like SIGTERM does.
 */
import { startService } from '../dist/src/compose.js';

const NO_LIMIT = { limit: 1_000_000, windowMs: 60_000 };

process.once('message', async (options) => {
  const service = await startService({
    dataDir: options.dataDir,
    host: '127.0.0.1',
    port: 0,
    apiToken: options.token,
    logLevel: 'warn',
    discovery: options.discovery,
    // The benchmark sends hundreds of tests and scans a minute; the per-minute limits would turn them into 429s.
    rateLimits: { test: NO_LIMIT, discover: NO_LIMIT },
  });
  process.on('message', async (message) => {
    if (message !== 'stop') return;
    await service.close();
    process.exit(0);
  });
  process.send({ url: service.url, pid: process.pid });
});
