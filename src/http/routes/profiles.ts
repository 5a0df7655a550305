import { Router, type Request, type Response } from 'express';
import type { ProviderType } from '../../vault/state.js';
import type { ProfileService } from '../../profiles/profile-service.js';
import { createProfileListViewer, createProfileViewer } from '../../profiles/view.js';
import type { SerialisedJson } from '../json-body.js';
import type { DiagnosticsRecorder } from '../../diagnostics/recorder.js';
import { contextOf, sendJson } from '../context.js';
import { inRequestAt } from '../field-pointers.js';
import type { Payload, QueryOf, RequestBody } from '../types.js';

export interface ProfileRouteDeps {
  profiles: ProfileService;
  diagnostics: DiagnosticsRecorder;
  /** Keeps the JSON text of each frozen listing, so a list is serialised once per vault state. */
  serialised: SerialisedJson;
}

const RECENT_DIAGNOSTICS = 50;

function ifMatchOf(req: Request): string | undefined {
  return req.get('if-match') ?? undefined;
}

/** Profile CRUD and activation. Handlers are thin: parse, call the use case, shape the answer. */
export function profileRoutes({ profiles, diagnostics, serialised }: ProfileRouteDeps, router: Router = Router()): Router {
  const toProfileView = createProfileViewer();
  const toListView = createProfileListViewer(toProfileView, (value) => serialised.remember(value));

  router.get('/api/llm/profiles', async (req: Request, res: Response) => {
    const query = req.query as QueryOf<'listProfiles'>;
    const { locale } = contextOf(res);
    const result = profiles.list(query.providerTypes as ProviderType[] | undefined);
    const payload: Payload<'listProfiles'> = {
      profiles: toListView(result.version, result.profiles, locale, [...new Set(query.providerTypes ?? [])].sort().join(',')) as Payload<'listProfiles'>['profiles'],
      activeProfileId: result.activeProfileId,
    };
    if (query.includeDiagnostics === true) {
      payload.diagnostics = await diagnostics.recent({ limit: RECENT_DIAGNOSTICS });
    }
    contextOf(res).meta.count = payload.profiles.length;
    sendJson(res, 200, payload);
  });

  router.post('/api/llm/profiles', async (req: Request, res: Response) => {
    const body = req.body as RequestBody<'createProfile'>;
    const ctx = contextOf(res);
    ctx.providerType = body.profile.providerType;
    if (body.context?.operatorId) ctx.meta.operatorId = body.context.operatorId;
    const record = await inRequestAt('/body/profile', () => profiles.create(body.profile));
    ctx.profileId = record.profile.id;
    res.setHeader('Location', `/api/llm/profiles/${record.profile.id}`);
    res.setHeader('ETag', record.etag);
    const payload: Payload<'createProfile'> = { profile: toProfileView(record, ctx.locale) };
    sendJson(res, 201, payload);
  });

  router.get('/api/llm/profiles/:profileId', (req: Request, res: Response) => {
    const ctx = contextOf(res);
    ctx.profileId = String(req.params.profileId);
    const record = profiles.get(ctx.profileId);
    ctx.providerType = record.profile.providerType;
    res.setHeader('ETag', record.etag);
    const payload: Payload<'getProfile'> = { profile: toProfileView(record, ctx.locale) };
    sendJson(res, 200, payload);
  });

  router.patch('/api/llm/profiles/:profileId', async (req: Request, res: Response) => {
    const body = req.body as RequestBody<'updateProfile'>;
    const ctx = contextOf(res);
    const profileId = String(req.params.profileId);
    ctx.profileId = profileId;
    if (body.context?.operatorId) ctx.meta.operatorId = body.context.operatorId;
    ctx.meta.changedFields = Object.keys(body.changes).sort().join(',');
    const record = await inRequestAt('/body/changes', () => profiles.update(profileId, body.changes, ifMatchOf(req)));
    ctx.providerType = record.profile.providerType;
    res.setHeader('ETag', record.etag);
    const payload: Payload<'updateProfile'> = { profile: toProfileView(record, ctx.locale) };
    sendJson(res, 200, payload);
  });

  router.delete('/api/llm/profiles/:profileId', async (req: Request, res: Response) => {
    const ctx = contextOf(res);
    const profileId = String(req.params.profileId);
    ctx.profileId = profileId;
    const query = req.query as QueryOf<'deleteProfile'>;
    const result = await inRequestAt('/query', () => profiles.delete(profileId, query.successorProfileId, ifMatchOf(req)));
    const payload: Payload<'deleteProfile'> = result;
    sendJson(res, 200, payload);
  });

  router.post('/api/llm/profiles/:profileId/activate', async (req: Request, res: Response) => {
    const ctx = contextOf(res);
    ctx.profileId = String(req.params.profileId);
    const result = await profiles.activate(ctx.profileId);
    ctx.providerType = result.record.profile.providerType;
    ctx.meta.changed = result.changed;
    const payload: Payload<'activateProfile'> = {
      activeProfile: toProfileView(result.record, ctx.locale),
      previousActiveId: result.previousActiveId,
      changed: result.changed,
    };
    sendJson(res, 200, payload);
  });

  return router;
}
