import { Router, type Request, type Response } from 'express';
import type { DiagnosticsRecorder } from '../../diagnostics/recorder.js';
import { translate } from '../../i18n/index.js';
import type { ProfileVault } from '../../vault/store.js';
import { contextOf, sendJson } from '../context.js';
import type { ServedContract } from '../contract.js';
import type { Payload, QueryOf } from '../types.js';

export interface ServiceRouteDeps {
  vault: ProfileVault;
  diagnostics: DiagnosticsRecorder;
  version: string;
}

/** Health and the support export. */
export function serviceRoutes({ vault, diagnostics, version }: ServiceRouteDeps): Router {
  const router = Router();

  router.get('/api/health', async (_req: Request, res: Response) => {
    const ctx = contextOf(res);
    const vaultHealth = vault.health();
    // Safe storage was checked for this request already (see app.ts); its reason is reused here.
    const vaultReason = vaultHealth.status === 'unreadable' ? vaultHealth.reason : null;
    const safeStorageReason = ctx.safeStorageReason;
    let userMessage: string | null = null;
    let remediation: string | null = null;
    if (vaultReason) {
      userMessage = translate(ctx.locale, 'problem.VAULT_READ_ERROR.userMessage');
      remediation = translate(ctx.locale, `problem.VAULT_READ_ERROR.reason.${vaultReason}`);
    } else if (safeStorageReason) {
      userMessage = translate(ctx.locale, 'problem.SAFE_STORAGE_UNAVAILABLE.userMessage');
      remediation = translate(ctx.locale, `problem.SAFE_STORAGE_UNAVAILABLE.reason.${safeStorageReason}`);
    }
    const payload: Payload<'getHealth'> = {
      status: vaultReason || safeStorageReason ? 'degraded' : 'ok',
      version,
      vault: vaultHealth.status,
      vaultReason,
      safeStorageReason,
      userMessage,
      remediation,
    };
    sendJson(res, 200, payload);
  });

  router.get('/api/llm/diagnostics', async (req: Request, res: Response) => {
    const query = req.query as QueryOf<'exportDiagnostics'>;
    const limit = Number(query.limit ?? 100);
    const entries = await diagnostics.recent({ limit, correlationId: query.correlationId });
    const payload: Payload<'exportDiagnostics'> = { entries };
    contextOf(res).meta.count = entries.length;
    sendJson(res, 200, payload);
  });

  return router;
}

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
    res.type('application/json; charset=utf-8').setHeader('Cache-Control', 'no-cache');
    res.send(served().json);
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
