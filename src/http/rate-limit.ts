import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import { RateLimitedError } from '../errors.js';

export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/** Per-token limit (the token's digest is the key, so the token itself is never held twice). */
export function perTokenRateLimit(rule: RateLimitRule) {
  return rateLimit({
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
}
