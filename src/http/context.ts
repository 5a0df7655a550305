import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { pickLocale, type Locale } from '../i18n/index.js';
import type { SafeStorageReason } from '../vault/safe-storage.js';
import type { ResponseMeta } from './types.js';

/** Per-request facts every response and diagnostics line carries. Lives in `res.locals.ctx`. */
export interface RequestContext {
  requestId: string;
  correlationId: string;
  startedAt: bigint;
  locale: Locale;
  safeStorageStatus: 'available' | 'unavailable';
  /** Why safe storage is unavailable, as checked for this request (null when available or not yet checked). */
  safeStorageReason: SafeStorageReason | null;
  operationId: string | null;
  profileId: string | null;
  providerType: string | null;
  /** Safe facts for the diagnostics line (lengths, counts, result details). */
  meta: Record<string, string | number | boolean | null>;
  resultCode: string | null;
}

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

function wellFormed(value: string | undefined): string | undefined {
  return value !== undefined && ID_PATTERN.test(value) ? value : undefined;
}

export function contextOf(res: Response): RequestContext {
  return res.locals.ctx as RequestContext;
}

export function elapsedMs(ctx: RequestContext): number {
  return Math.round(Number(process.hrtime.bigint() - ctx.startedAt) / 1e6);
}

/** The four meta fields that sit beside every payload, success or error. */
export function metaOf(ctx: RequestContext): ResponseMeta {
  return { correlationId: ctx.correlationId, requestId: ctx.requestId, durationMs: elapsedMs(ctx), safeStorageStatus: ctx.safeStorageStatus };
}

export function requestContext(initialStatus: () => 'available' | 'unavailable') {
  return (req: Request, res: Response, next: NextFunction): void => {
    const requestId = wellFormed(req.get('x-request-id')) ?? randomUUID();
    const ctx: RequestContext = {
      requestId,
      correlationId: wellFormed(req.get('x-correlation-id')) ?? randomUUID(),
      startedAt: process.hrtime.bigint(),
      locale: pickLocale(req.acceptsLanguages()),
      safeStorageStatus: initialStatus(),
      safeStorageReason: null,
      operationId: null,
      profileId: null,
      providerType: null,
      meta: {},
      resultCode: null,
    };
    res.locals.ctx = ctx;
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('Content-Language', ctx.locale);
    res.setHeader('Vary', 'Accept-Language');
    next();
  };
}

/** Sends a success body with the meta fields beside it. */
export function sendJson(res: Response, status: number, payload: object): void {
  res.status(status).json({ ...payload, ...metaOf(contextOf(res)) });
}
