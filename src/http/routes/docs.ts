import { Router } from 'express';
import type { ServedContract } from '../contract.js';

const DOCS_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'";

/** The contract itself and its reference docs: open to any local reader, no token needed. */
export function specRoutes(served: () => ServedContract, docs: () => { file: string } | { html: string }): Router {
  const router = Router();
  router.get('/openapi.yaml', (_req, res) => {
    res.type('application/yaml; charset=utf-8').setHeader('Cache-Control', 'no-cache');
    res.send(served().yaml);
  });
  router.get('/openapi.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(served().document);
  });
  router.get(['/docs', '/docs/'], (_req, res) => {
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    const page = docs();
    if ('file' in page) res.sendFile(page.file);
    else res.type('html').send(page.html);
  });
  return router;
}
