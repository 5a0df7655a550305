import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { DiagnosticsRecorder } from '../../diagnostics/recorder.js';
import type { DiscoveryService, EndpointExposure } from '../../discovery/discovery-service.js';
import type { ProfileService } from '../../profiles/profile-service.js';
import type { PromptTestService, TestOutcome } from '../../prompt-test/prompt-test-service.js';
import { contextOf, sendJson, type RequestContext } from '../context.js';
import { inRequestAt } from '../field-pointers.js';
import { abortOnDisconnect, recordOutbound, savedAddressClass } from '../outbound.js';
import type { RequestBody } from '../types.js';

export interface TestingRouteDeps {
  profiles: ProfileService;
  promptTests: PromptTestService;
  /** Says whether a profile's local server is also open to the network. */
  discovery: DiscoveryService;
  diagnostics: DiagnosticsRecorder;
  testRateLimit: RequestHandler;
}

/** The contract's cap on an outcome's notes. */
const MAX_OUTCOME_NOTES = 10;

/**
 * Runs the test and, beside it, the exposure check of a local endpoint; an open server adds
 * `exposure` and its note to the outcome. Diagnostics get the fact, never the addresses.
 */
async function runWithExposure(run: Promise<TestOutcome>, exposure: Promise<EndpointExposure | null>, ctx: RequestContext): Promise<TestOutcome> {
  const [outcome, exposed] = await Promise.all([run, exposure]);
  ctx.meta.exposedToNetwork = exposed !== null;
  if (exposed === null) return outcome;
  return { ...outcome, exposure: exposed.exposure, notes: [exposed.note, ...outcome.notes].slice(0, MAX_OUTCOME_NOTES) };
}

/** One line for the request (written when it finishes) and one for the outbound exchange. */
function recordOutcome(ctx: RequestContext, outcome: TestOutcome, endpointUrl: string, diagnostics: DiagnosticsRecorder): void {
  recordOutbound(diagnostics, ctx, endpointUrl, {
    resultCode: outcome.errorCode ?? 'OK',
    httpStatus: outcome.providerStatus,
    durationMs: outcome.latencyMs,
    profileId: outcome.profileId,
    providerType: outcome.providerType,
    meta: { promptLength: outcome.promptLength, retryable: outcome.retryable },
  });
  ctx.resultCode = outcome.success ? 'TEST_OK' : `TEST_${outcome.errorCode ?? 'FAILED'}`;
  ctx.meta.promptLength = outcome.promptLength;
  ctx.meta.latencyMs = outcome.latencyMs;
  ctx.meta.providerStatus = outcome.providerStatus;
  ctx.meta.success = outcome.success;
}

export function testingRoutes({ profiles, promptTests, discovery, diagnostics, testRateLimit }: TestingRouteDeps, router: Router = Router()): Router {
  router.post('/api/llm/profiles/test', testRateLimit, async (req: Request, res: Response) => {
    const body = req.body as RequestBody<'testDraftProfile'>;
    const ctx = contextOf(res);
    ctx.operationId = 'testDraftProfile';
    ctx.providerType = body.profile.providerType;
    const fields = await inRequestAt('/body/profile', () => profiles.checkTestDraft(body.profile));
    const exposure = discovery.endpointExposure(fields.endpointUrl, fields.providerType, ctx.locale);
    const run = promptTests.run(
      {
        profileId: null,
        profileName: fields.name,
        providerType: fields.providerType,
        endpointUrl: fields.endpointUrl,
        modelId: fields.modelId,
        apiKey: body.profile.apiKey ?? null,
        savedAddressClass: savedAddressClass(fields.endpointUrl),
      },
      { prompt: body.promptOverride, timeoutMs: body.timeoutMs, stream: body.stream ?? true, signal: abortOnDisconnect(res), locale: ctx.locale },
    );
    const outcome = await runWithExposure(run, exposure, ctx);
    recordOutcome(ctx, outcome, fields.endpointUrl, diagnostics);
    sendJson(res, 200, outcome);
  });

  router.post('/api/llm/profiles/:profileId/test', testRateLimit, async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as RequestBody<'testProfile'>;
    const ctx = contextOf(res);
    ctx.operationId = 'testProfile';
    ctx.profileId = String(req.params.profileId);
    const { record, apiKey } = await profiles.resolveForTest(ctx.profileId);
    const { profile } = record;
    ctx.providerType = profile.providerType;
    const exposure = discovery.endpointExposure(profile.endpointUrl, profile.providerType, ctx.locale);
    const run = promptTests.run(
      {
        profileId: profile.id,
        profileName: profile.name,
        providerType: profile.providerType,
        endpointUrl: profile.endpointUrl,
        modelId: profile.modelId,
        apiKey,
        savedAddressClass: savedAddressClass(profile.endpointUrl),
      },
      { prompt: body.promptOverride, timeoutMs: body.timeoutMs, stream: body.stream ?? true, signal: abortOnDisconnect(res), locale: ctx.locale },
    );
    const outcome = await runWithExposure(run, exposure, ctx);
    recordOutcome(ctx, outcome, profile.endpointUrl, diagnostics);
    sendJson(res, 200, outcome);
  });

  return router;
}
