/**
 * The baseline: a bare Express app with one route that returns the JSON it is given, in its own
 * process like the service. With IPC (forked by bench/run.ts) it serves the body sent to it at
 * GET /api/llm/profiles; without (spawned for the cold-start baseline) it serves /api/health and
 * prints its address like the service does.
 */
import express from 'express';

function listen(app) {
  const server = app.listen(0, '127.0.0.1');
  return new Promise((resolve) => server.once('listening', () => resolve(`http://127.0.0.1:${server.address().port}`)));
}

function bareApp() {
  const app = express();
  // The service turns these off too; leaving them on would slow the baseline and flatter the ratio.
  app.disable('x-powered-by');
  app.set('etag', false);
  return app;
}

if (process.send) {
  process.once('message', async ({ body }) => {
    const app = bareApp();
    app.get('/api/llm/profiles', (_req, res) => res.json(body));
    process.send({ url: await listen(app), pid: process.pid });
  });
} else {
  const app = bareApp();
  app.get('/api/health', (_req, res) => res.json({ status: 'ok' }));
  process.stdout.write(`Baseline listening on ${await listen(app)}\n`);
  process.once('SIGTERM', () => process.exit(0));
}
