/**
 * createApp(deps): the Express app, composed from injected services. No I/O at import time and
 * no module state, so tests build as many apps as they like over temp-dir stores.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { DomainError, InternalError, RouteNotFoundError, VaultReadError } from './errors.js';
import type { DiagnosticsRecorder } from './diagnostics/recorder.js';
import type { DiscoveryService } from './discovery/service.js';
import type { ProfileService } from './profiles/service.js';
import type { PromptTestService } from './prompt-test/service.js';
import type { ProfileVault } from './vault/store.js';
import type { SafeStorage } from './vault/safe-storage.js';
import { reduceError } from './logging/logger.js';
import { contextOf, elapsedMs, requestContext } from './http/context.js';
import { contractLimits, contractValidator, queryParser, translateFrameworkError, type ContractDocument, type ServedContract } from './http/contract.js';
import { bearerAuth, hostGuard, jsonAcceptedOnly, jsonBodiesOnly, originGuard, securityHeaders } from './http/guards.js';
import { sendProblem } from './http/problem.js';
import { perTokenRateLimit, type RateLimitRule } from './http/rate-limit.js';
import { discoveryRoutes } from './http/routes/discovery.js';
import { profileRoutes } from './http/routes/profiles.js';
import { serviceRoutes, specRoutes } from './http/routes/service.js';
import { testingRoutes } from './http/routes/testing.js';

export interface AppDeps {
  profiles: ProfileService;
  vault: ProfileVault;
  safeStorage: SafeStorage;
  promptTests: PromptTestService;
  discovery: DiscoveryService;
  diagnostics: DiagnosticsRecorder;
  logger: Logger;
  contract: ContractDocument;
  /** The contract naming the address actually listened on (known only after listen). */
  servedContract: () => ServedContract;
  docs: () => { file: string } | { html: string };
  apiToken: string;
  /** The port the server listens on (known only after listen when 0 was asked for). */
  port: () => number;
  allowedOrigins?: readonly string[];
  extraAllowedHosts?: readonly string[];
  rateLimits?: { test: RateLimitRule; discover: RateLimitRule };
  bodyLimitBytes?: number;
  version: string;
}

const DEFAULT_RATE_LIMITS = { test: { limit: 30, windowMs: 60_000 }, discover: { limit: 10, windowMs: 60_000 } };

type ValidatedRequest = Request & { openapi?: { schema?: { operationId?: string } } };

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', queryParser(deps.contract));
  const limits = contractLimits(deps.contract);

  let lastSafeStorageStatus: 'available' | 'unavailable' = 'available';
  const rateLimits = deps.rateLimits ?? DEFAULT_RATE_LIMITS;
  const bodyLimitBytes = deps.bodyLimitBytes ?? 64 * 1024;

  app.use(requestContext(() => lastSafeStorageStatus));
  app.use((req: ValidatedRequest, res: Response, next: NextFunction) => {
    res.on('finish', () => {
      const ctx = contextOf(res);
      deps.diagnostics.record({
        timestamp: new Date().toISOString(),
        kind: 'request',
        operationId: ctx.operationId ?? req.openapi?.schema?.operationId ?? null,
        requestId: ctx.requestId,
        correlationId: ctx.correlationId,
        resultCode: ctx.resultCode ?? (res.statusCode < 400 ? 'OK' : `HTTP_${res.statusCode}`),
        httpStatus: res.statusCode,
        durationMs: elapsedMs(ctx),
        safeStorageStatus: ctx.safeStorageStatus,
        profileId: ctx.profileId,
        providerType: ctx.providerType,
        meta: { method: req.method, ...ctx.meta },
      });
      // Allow-listed fields only: never headers, bodies or the query string. Built only when logged.
      if (deps.logger.isLevelEnabled('debug')) {
        deps.logger.debug(
          { req: { method: req.method, path: req.path, requestId: ctx.requestId }, res: { statusCode: res.statusCode }, durationMs: elapsedMs(ctx), code: ctx.resultCode },
          'request',
        );
      }
    });
    next();
  });
  app.use(securityHeaders);
  app.use(hostGuard({ port: deps.port, extraHosts: deps.extraAllowedHosts ?? [] }));
  app.use(originGuard(deps.allowedOrigins ?? []));
  app.use(specRoutes(deps.servedContract, deps.docs));
  app.use('/api/llm', bearerAuth(deps.apiToken));
  app.use(async (_req: Request, res: Response, next: NextFunction) => {
    const health = deps.vault.health();
    const state = await deps.safeStorage.check(health.status === 'ok' ? deps.vault.snapshot().keyCheck : null);
    lastSafeStorageStatus = state.status;
    const ctx = contextOf(res);
    ctx.safeStorageStatus = state.status;
    ctx.safeStorageReason = state.status === 'unavailable' ? state.reason : null;
    next();
  });
  app.use(jsonAcceptedOnly);
  app.use(jsonBodiesOnly);
  app.use(express.json({ limit: bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] }));
  app.use(contractValidator(deps.contract));
  app.use(profileRoutes({ profiles: deps.profiles, diagnostics: deps.diagnostics }));
  app.use(testingRoutes({ profiles: deps.profiles, promptTests: deps.promptTests, diagnostics: deps.diagnostics, testRateLimit: perTokenRateLimit(rateLimits.test) }));
  app.use(discoveryRoutes({ profiles: deps.profiles, discovery: deps.discovery, discoverRateLimit: perTokenRateLimit(rateLimits.discover) }));
  app.use(serviceRoutes({ vault: deps.vault, diagnostics: deps.diagnostics, version: deps.version }));
  app.use(() => {
    throw new RouteNotFoundError();
  });

  app.use((raw: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(raw);
    const error = translateFrameworkError(raw, bodyLimitBytes, req.body);
    const instance = req.path.slice(0, limits.problemInstanceMaxLength);
    if (error instanceof DomainError) {
      if (error instanceof VaultReadError || error.code === 'VAULT_WRITE_ERROR') {
        deps.logger.error({ err: reduceError((error as { cause?: unknown }).cause ?? error), requestId: contextOf(res).requestId, code: error.code }, 'profile store failure');
      }
      sendProblem(res, error, instance);
      return;
    }
    // The stack's frames (not its message line, which could quote data) go to the log only.
    const frames = raw instanceof Error ? (raw.stack ?? '').split('\n').slice(1, 12).join('\n') : undefined;
    deps.logger.error({ err: reduceError(raw), frames, requestId: contextOf(res).requestId }, 'unexpected error');
    sendProblem(res, new InternalError(), instance);
  });

  return app;
}
