/**
 * Guards that run before routing: DNS-rebinding (Host), cross-site (Origin), bearer token, and
 * JSON-only bodies. Each throws a domain error; the problem mapper turns it into a response.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { HostNotAllowedError, NotAcceptableError, OriginNotAllowedError, UnauthorizedError, UnsupportedMediaTypeError } from './errors.js';

const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Only Host values that name this service on loopback (plus configured extras), with its port. */
export function hostGuard(options: { port: () => number; extraHosts: readonly string[] }) {
  const allowed = new Set([...LOOPBACK_HOSTNAMES, ...options.extraHosts.map((h) => h.toLowerCase())]);
  return (req: Request, _res: Response, next: NextFunction): void => {
    const host = req.headers.host ?? '';
    const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(host);
    const port = match?.[2] !== undefined ? Number(match[2]) : 80;
    if (!match?.[1] || !allowed.has(match[1].toLowerCase()) || port !== options.port()) throw new HostNotAllowedError();
    next();
  };
}

/** Response headers a browser client needs to read: `ETag` for `If-Match`, where a new profile is, ids, back-off. */
const EXPOSED_HEADERS = 'ETag, Location, X-Request-Id, Retry-After, Content-Language';

/**
 * A request that carries an Origin must name an allowed one or the service itself (its own /docs
 * page); CORS headers only for those, never `*`. Runs after the Host guard, so Host names this service.
 */
export function originGuard(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    const ownOrigin = `http://${(req.headers.host ?? '').toLowerCase()}`;
    if (!allowed.has(origin) && origin.toLowerCase() !== ownOrigin) throw new OriginNotAllowedError();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    res.append('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PATCH, DELETE');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, If-Match, X-Request-Id, X-Correlation-Id, Accept-Language');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

function digest(value: Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Bearer token, compared in constant time. Equal lengths are compared byte for byte; other
 * lengths compare digests (always unequal here), so the work done never depends on where the
 * bytes differ and a wrong length costs about as much as a wrong token.
 */
export function bearerAuth(token: string) {
  const expected = Buffer.from(token, 'utf8');
  const expectedDigest = digest(expected);
  return (req: Request, _res: Response, next: NextFunction): void => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    if (!match?.[1]) throw new UnauthorizedError();
    const given = Buffer.from(match[1], 'utf8');
    const same = given.length === expected.length ? timingSafeEqual(given, expected) : timingSafeEqual(digest(given), expectedDigest) && false;
    if (!same) throw new UnauthorizedError();
    next();
  };
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isJsonMediaType(contentType: string): boolean {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/** Bodies must be JSON: an HTML form or a text/plain "simple request" can never reach a handler. */
export function jsonBodiesOnly(req: Request, _res: Response, next: NextFunction): void {
  if (!MUTATING.has(req.method)) return next();
  const contentType = req.headers['content-type'];
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (contentType !== undefined ? !isJsonMediaType(contentType) : hasBody) throw new UnsupportedMediaTypeError();
  next();
}

export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  next();
}

/** The API answers JSON (and problem+json) only; a client that accepts neither gets 406. */
export function jsonAcceptedOnly(req: Request, _res: Response, next: NextFunction): void {
  if (req.headers.accept !== undefined && !req.accepts(['application/json', 'application/problem+json'])) throw new NotAcceptableError();
  next();
}
