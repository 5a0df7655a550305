import { performance } from 'node:perf_hooks';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { ModelCatalogue, ModelList } from '../../catalogue/model-catalogue.js';
import type { DiagnosticsRecorder } from '../../diagnostics/recorder.js';
import type { ProfileService } from '../../profiles/profile-service.js';
import { contextOf, sendJson, type RequestContext } from '../context.js';
import { inRequestAt } from '../field-pointers.js';
import { abortOnDisconnect, recordOutbound, savedAddressClass } from '../outbound.js';
import type { Payload, QueryOf, RequestBody } from '../types.js';

export interface ModelRouteDeps {
  profiles: ProfileService;
  catalogue: ModelCatalogue;
  diagnostics: DiagnosticsRecorder;
  modelsRateLimit: RequestHandler;
}

/** One line for the request (written when it finishes) and, when the server was asked, one for that exchange. */
function record(ctx: RequestContext, list: ModelList, endpointUrl: string, startedAt: number, diagnostics: DiagnosticsRecorder): void {
  if (!list.cached) {
    recordOutbound(diagnostics, ctx, endpointUrl, {
      resultCode: list.errorCode ?? 'OK',
      httpStatus: list.providerStatus,
      durationMs: Math.max(0, Math.round(performance.now() - startedAt)),
      profileId: list.profileId,
      providerType: list.providerType,
      meta: { models: list.models?.length ?? null, truncated: list.truncated, retryable: list.retryable },
    });
  }
  ctx.resultCode = list.success ? 'MODELS_OK' : `MODELS_${list.errorCode ?? 'FAILED'}`;
  ctx.meta.models = list.models?.length ?? null;
  ctx.meta.cached = list.cached;
  ctx.meta.keyChecked = list.keyChecked;
  ctx.meta.providerStatus = list.providerStatus;
}

export function modelRoutes({ profiles, catalogue, diagnostics, modelsRateLimit }: ModelRouteDeps, router: Router = Router()): Router {
  router.get('/api/llm/profiles/:profileId/models', modelsRateLimit, async (req: Request, res: Response) => {
    const query = req.query as QueryOf<'listProfileModels'>;
    const ctx = contextOf(res);
    ctx.operationId = 'listProfileModels';
    ctx.profileId = String(req.params.profileId);
    const current = profiles.get(ctx.profileId);
    const { profile } = current;
    ctx.providerType = profile.providerType;
    const startedAt = performance.now();
    const list = await catalogue.forProfile(
      {
        profileId: profile.id,
        providerType: profile.providerType,
        endpointUrl: profile.endpointUrl,
        modelId: profile.modelId,
        savedAddressClass: savedAddressClass(profile.endpointUrl),
      },
      current.etag,
      async () => (await profiles.resolveForTest(profile.id)).apiKey,
      { locale: ctx.locale, refresh: query.refresh === true, ...(query.timeoutMs !== undefined ? { timeoutMs: Number(query.timeoutMs) } : {}) },
    );
    record(ctx, list, profile.endpointUrl, startedAt, diagnostics);
    const payload: Payload<'listProfileModels'> = list;
    sendJson(res, 200, payload);
  });

  router.post('/api/llm/profiles/models', modelsRateLimit, async (req: Request, res: Response) => {
    const body = req.body as RequestBody<'listDraftModels'>;
    const ctx = contextOf(res);
    ctx.operationId = 'listDraftModels';
    ctx.providerType = body.profile.providerType;
    const fields = await inRequestAt('/body/profile', () => profiles.checkTestDraft(body.profile));
    const startedAt = performance.now();
    const list = await catalogue.forDraft(
      {
        profileId: null,
        providerType: fields.providerType,
        endpointUrl: fields.endpointUrl,
        modelId: fields.modelId,
        apiKey: body.profile.apiKey ?? null,
        savedAddressClass: savedAddressClass(fields.endpointUrl),
      },
      { locale: ctx.locale, signal: abortOnDisconnect(res), ...(body.timeoutMs !== undefined ? { timeoutMs: body.timeoutMs } : {}) },
    );
    record(ctx, list, fields.endpointUrl, startedAt, diagnostics);
    const payload: Payload<'listDraftModels'> = list;
    sendJson(res, 200, payload);
  });

  return router;
}
