import { Router, type Request, type Response } from 'express';
import { translate } from '../../i18n/index.js';
import type { KeyStoreKind } from '../../vault/safe-storage.js';
import type { ProfileVault } from '../../vault/store.js';
import { contextOf, sendJson } from '../context.js';
import type { Payload } from '../types.js';

export interface HealthRouteDeps {
  vault: ProfileVault;
  version: string;
  keyStore: KeyStoreKind;
}

/** getHealth: open to any local caller, it says whether the vault and safe storage work and why not. */
export function healthRoutes({ vault, version, keyStore }: HealthRouteDeps, router: Router = Router()): Router {
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
      keyStore,
      safeStorageReason,
      userMessage,
      remediation,
    };
    sendJson(res, 200, payload);
  });

  return router;
}
