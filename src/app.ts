/**
 * createApp(deps): the Express app, composed from injected services. No I/O at import time and
 * no module state, so tests build as many apps as they like over temp-dir stores. The middleware
 * is listed in the order a request meets it.
 */
import express, { Router } from 'express';
import type { Logger } from 'pino';
import type { DiagnosticsRecorder } from './diagnostics/recorder.js';
import type { ModelCatalogue } from './catalogue/model-catalogue.js';
import type { DiscoveryService } from './discovery/discovery-service.js';
import type { ProfileService } from './profiles/profile-service.js';
import type { PromptTestService } from './prompt-test/prompt-test-service.js';
import type { ProfileVault } from './vault/store.js';
import type { SafeStorage } from './vault/safe-storage.js';
import { requestContext } from './http/context.js';
import { contractLimits, contractValidator, queryParser, type ContractDocument, type ServedContract } from './http/contract.js';
import { bearerAuth, hostGuard, jsonAcceptedOnly, jsonBodiesOnly, originGuard, securityHeaders } from './http/guards.js';
import { SerialisedJson } from './http/json-body.js';
import { errorHandler, notFound, requestLog, safeStorageStatus } from './http/middleware.js';
import { perTokenRateLimit, type RateLimitRule } from './http/rate-limit.js';
import { diagnosticsRoutes } from './http/routes/diagnostics.js';
import { discoveryRoutes } from './http/routes/discovery.js';
import { specRoutes } from './http/routes/docs.js';
import { healthRoutes } from './http/routes/health.js';
import { modelRoutes } from './http/routes/models.js';
import { profileRoutes } from './http/routes/profiles.js';
import { testingRoutes } from './http/routes/testing.js';

export interface AppDeps {
  profiles: ProfileService;
  vault: ProfileVault;
  safeStorage: SafeStorage;
  promptTests: PromptTestService;
  catalogue: ModelCatalogue;
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
  version: string;
}

/** Every default createApp applies, in one place. */
const APP_DEFAULTS = {
  rateLimits: { test: { limit: 30, windowMs: 60_000 }, discover: { limit: 10, windowMs: 60_000 } },
  bodyLimitBytes: 64 * 1024,
  allowedOrigins: [] as readonly string[],
  extraAllowedHosts: [] as readonly string[],
} as const;

export function createApp(deps: AppDeps): express.Express {
  const rateLimits = deps.rateLimits ?? APP_DEFAULTS.rateLimits;
  const { bodyLimitBytes } = APP_DEFAULTS;
  const serialised = new SerialisedJson();
  const safeStorage = safeStorageStatus({ vault: deps.vault, safeStorage: deps.safeStorage });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', queryParser(deps.contract));
  const limits = contractLimits(deps.contract);

  app.use(requestContext(safeStorage.last));
  app.use(requestLog({ diagnostics: deps.diagnostics, logger: deps.logger }));
  app.use(securityHeaders);
  app.use(hostGuard({ port: deps.port, extraHosts: deps.extraAllowedHosts ?? APP_DEFAULTS.extraAllowedHosts }));
  app.use(originGuard(deps.allowedOrigins ?? APP_DEFAULTS.allowedOrigins));
  app.use(specRoutes(deps.servedContract, deps.docs));
  app.use('/api/llm', bearerAuth(deps.apiToken));
  app.use(safeStorage.middleware);
  app.use(jsonAcceptedOnly);
  app.use(jsonBodiesOnly);
  app.use(express.json({ limit: bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] }));
  // Before the validator: it wraps the res.json it finds, and calls it only with a body that passed.
  app.use(serialised.middleware());
  app.use(contractValidator(deps.contract));
  // One router for every API route: a request walks one route list, not four routers.
  const api = Router();
  profileRoutes({ profiles: deps.profiles, diagnostics: deps.diagnostics, serialised }, api);
  testingRoutes(
    { profiles: deps.profiles, promptTests: deps.promptTests, discovery: deps.discovery, diagnostics: deps.diagnostics, testRateLimit: perTokenRateLimit(rateLimits.test) },
    api,
  );
  // Model lists are limited like tests, in a bucket of their own so loading a list does not use up tests.
  modelRoutes({ profiles: deps.profiles, catalogue: deps.catalogue, diagnostics: deps.diagnostics, modelsRateLimit: perTokenRateLimit(rateLimits.test) }, api);
  discoveryRoutes({ profiles: deps.profiles, discovery: deps.discovery, discoverRateLimit: perTokenRateLimit(rateLimits.discover) }, api);
  healthRoutes({ vault: deps.vault, version: deps.version, keyStore: deps.safeStorage.kind }, api);
  diagnosticsRoutes({ diagnostics: deps.diagnostics }, api);
  app.use(api);
  app.use(notFound());
  app.use(errorHandler({ logger: deps.logger, bodyLimitBytes, instanceMaxLength: limits.problemInstanceMaxLength }));

  return app;
}
