import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RateLimitedError } from '../errors.js';

export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/**
 * Per-token limit (the token's digest is the key, so the token itself is never held twice).
 * express-rate-limit (with ip-address) is imported on the limited routes' first request, not at
 * start; from then on each request goes straight to the limiter.
 */
export function perTokenRateLimit(rule: RateLimitRule): RequestHandler {
  let limiter: RequestHandler | null = null;
  let loading: Promise<RequestHandler> | null = null;
  const load = async (): Promise<RequestHandler> => {
    const { rateLimit } = await import('express-rate-limit');
    limiter = rateLimit({
      windowMs: rule.windowMs,
      limit: rule.limit,
      standardHeaders: false,
      legacyHeaders: false,
      validate: false,
      keyGenerator: (req: Request) =>
        createHash('sha256')
          .update(req.headers.authorization ?? '')
          .digest('hex'),
      handler: (req: Request, _res, next) => {
        const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
        const seconds = resetTime ? Math.ceil((resetTime.getTime() - Date.now()) / 1000) : Math.ceil(rule.windowMs / 1000);
        next(new RateLimitedError(Math.max(1, seconds)));
      },
    });
    return limiter;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    if (limiter) return limiter(req, res, next);
    (loading ??= load()).then((ready) => ready(req, res, next), next);
  };
}
