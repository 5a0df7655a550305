/**
 * JSON bodies with parts serialised ahead of time. A deeply frozen value (the list's array of
 * profile views) can never change, so its JSON text is computed once and spliced into every
 * body that carries it. The body is still validated whole against the contract first: this
 * replaces only the `JSON.stringify` that `res.json` does after validation.
 */
import type { NextFunction, Request, Response } from 'express';

function isDeeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

export class SerialisedJson {
  private readonly texts = new WeakMap<object, string>();

  /** Remembers the JSON text of a deeply frozen value; anything else is refused (its text could go stale). */
  remember<T extends object>(value: T): T {
    if (!isDeeplyFrozen(value)) throw new TypeError('only a deeply frozen value can be serialised ahead of time');
    this.texts.set(value, JSON.stringify(value));
    return value;
  }

  /** The same text JSON.stringify(body) gives, reusing remembered texts for the body's top-level values. */
  stringify(body: unknown): string {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return JSON.stringify(body);
    const fields = body as Record<string, unknown>;
    const keys = Object.keys(fields);
    if (!keys.some((key) => this.known(fields[key]))) return JSON.stringify(body);
    const parts: string[] = [];
    for (const key of keys) {
      const value = fields[key];
      const text = (typeof value === 'object' && value !== null ? this.texts.get(value) : undefined) ?? JSON.stringify(value);
      if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${parts.join(',')}}`;
  }

  /**
   * Installs a `res.json` that uses `stringify`. It must run before the contract validator, which
   * wraps whatever `res.json` it finds and calls it only with a body that passed validation.
   */
  middleware() {
    const serialised = this;
    return (_req: Request, res: Response, next: NextFunction): void => {
      res.json = function json(this: Response, body: unknown) {
        if (!this.get('Content-Type')) this.set('Content-Type', 'application/json');
        return this.send(serialised.stringify(body));
      };
      next();
    };
  }

  private known(value: unknown): boolean {
    return typeof value === 'object' && value !== null && this.texts.has(value);
  }
}
