/**
 * The app's own middleware, each named for what it does (the way Backstage's MiddlewareFactory
 * names its pieces), so createApp reads as the order a request meets them.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { DiagnosticsRecorder } from '../diagnostics/recorder.js';
import { DomainError, InternalError } from '../errors.js';
import { RouteNotFoundError } from './errors.js';
import { reduceError } from '../logging/logger.js';
import type { SafeStorage } from '../vault/safe-storage.js';
import type { ProfileVault } from '../vault/store.js';
import { contextOf, elapsedMs } from './context.js';
import { translateFrameworkError } from './contract.js';
import { sendProblem, STATUS_OF } from './problem.js';

type ValidatedRequest = Request & { openapi?: { schema?: { operationId?: string } } };

/** One diagnostics line per request, and a debug log line, written when the response has finished. */
export function requestLog({ diagnostics, logger }: { diagnostics: DiagnosticsRecorder; logger: Logger }): RequestHandler {
  return (req: ValidatedRequest, res: Response, next: NextFunction) => {
    res.on('finish', () => {
      const ctx = contextOf(res);
      diagnostics.record({
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
      if (logger.isLevelEnabled('debug')) {
        logger.debug(
          { req: { method: req.method, path: req.path, requestId: ctx.requestId }, res: { statusCode: res.statusCode }, durationMs: elapsedMs(ctx), code: ctx.resultCode },
          'request',
        );
      }
    });
    next();
  };
}

/** The status of safe storage for this request (and, via `last`, the next request's starting value). */
export function safeStorageStatus({ vault, safeStorage }: { vault: ProfileVault; safeStorage: SafeStorage }): {
  middleware: RequestHandler;
  last: () => 'available' | 'unavailable';
} {
  let last: 'available' | 'unavailable' = 'available';
  const middleware = async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    const state = await safeStorage.check(vault.health().status === 'ok' ? vault.snapshot().keyCheck : null);
    last = state.status;
    const ctx = contextOf(res);
    // A write checks afresh; its answer (the keyring just unlocked, say) is what the response reports.
    let reported: 'available' | 'unavailable' | null = null;
    Object.defineProperty(ctx, 'safeStorageStatus', {
      get: () => reported ?? safeStorage.lastStatus() ?? state.status,
      set: (value: 'available' | 'unavailable') => (reported = value),
      enumerable: true,
      configurable: true,
    });
    ctx.safeStorageReason = state.status === 'unavailable' ? state.reason : null;
    next();
  };
  return { middleware, last: () => last };
}

/** Whatever no route answered. */
export function notFound(): RequestHandler {
  return () => {
    throw new RouteNotFoundError();
  };
}

/**
 * Every error becomes a problem+json answer. What the server got wrong (status ≥ 500) is logged;
 * what the client got wrong is not. An unexpected error's stack frames (not its message line,
 * which could quote data) go to the log only.
 */
export function errorHandler({ logger, bodyLimitBytes, instanceMaxLength }: { logger: Logger; bodyLimitBytes: number; instanceMaxLength: number }) {
  return (raw: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(raw);
    const translated = translateFrameworkError(raw, bodyLimitBytes, req.body);
    const error = translated instanceof DomainError ? translated : new InternalError();
    if (STATUS_OF[error.code] >= 500) {
      const requestId = contextOf(res).requestId;
      if (translated instanceof DomainError) {
        logger.error({ err: reduceError((error as { cause?: unknown }).cause ?? error), requestId, code: error.code }, 'server error');
      } else {
        const frames = raw instanceof Error ? (raw.stack ?? '').split('\n').slice(1, 12).join('\n') : undefined;
        logger.error({ err: reduceError(raw), frames, requestId, code: error.code }, 'unexpected error');
      }
    }
    sendProblem(res, error, req.path.slice(0, instanceMaxLength));
  };
}
