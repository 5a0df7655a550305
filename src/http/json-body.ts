/**
 * JSON bodies with parts encoded ahead of time. A deeply frozen value (the list's array of
 * profile views) can never change, so its JSON is computed and UTF-8 encoded once and its bytes
 * are copied into every body that carries it. The body is still validated whole against the
 * contract first: this replaces only the `JSON.stringify` and the encoding that `res.json` does
 * after validation. Bytes, not text: a listing's text holds typographic quotes, and encoding
 * such a string cost more than the JSON.stringify it replaced; and the bytes go to the socket
 * as they are, not copied into one buffer (copying 500 kB into fresh memory cost as much again).
 */
import type { NextFunction, Request, Response } from 'express';

function isDeeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

export class SerialisedJson {
  private readonly encoded = new WeakMap<object, Buffer>();

  /** Remembers the JSON bytes of a deeply frozen value; anything else is refused (its bytes could go stale). */
  remember<T extends object>(value: T): T {
    if (!isDeeplyFrozen(value)) throw new TypeError('only a deeply frozen value can be serialised ahead of time');
    this.encoded.set(value, Buffer.from(JSON.stringify(value), 'utf8'));
    return value;
  }

  /**
   * The UTF-8 bytes of JSON.stringify(body) in order, as chunks, reusing remembered bytes for the
   * body's top-level values; null when the body holds none (then JSON.stringify is as quick).
   */
  encode(body: unknown): Buffer[] | null {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
    const fields = body as Record<string, unknown>;
    const keys = Object.keys(fields);
    if (!keys.some((key) => this.bytesOf(fields[key]) !== undefined)) return null;
    const chunks: Buffer[] = [];
    let text = '{';
    let separator = '';
    for (const key of keys) {
      const value = fields[key];
      const bytes = this.bytesOf(value);
      if (bytes) {
        chunks.push(Buffer.from(`${text}${separator}${JSON.stringify(key)}:`, 'utf8'), bytes);
        text = '';
        separator = ',';
        continue;
      }
      const json = JSON.stringify(value);
      if (json === undefined) continue;
      text += `${separator}${JSON.stringify(key)}:${json}`;
      separator = ',';
    }
    chunks.push(Buffer.from(`${text}}`, 'utf8'));
    return chunks;
  }

  /**
   * Installs a `res.json` that uses `encode`. It must run before the contract validator, which
   * wraps whatever `res.json` it finds and calls it only with a body that passed validation.
   */
  middleware() {
    const serialised = this;
    return (_req: Request, res: Response, next: NextFunction): void => {
      res.json = function json(this: Response, body: unknown) {
        const chunks = this.get('Content-Type') ? null : serialised.encode(body);
        if (!chunks) {
          if (!this.get('Content-Type')) this.set('Content-Type', 'application/json');
          return this.send(JSON.stringify(body));
        }
        // The headers res.send gives a JSON string body; the chunks leave in one write.
        this.set('Content-Type', 'application/json; charset=utf-8');
        this.set('Content-Length', String(chunks.reduce((total, chunk) => total + chunk.byteLength, 0)));
        this.cork();
        for (const chunk of chunks) this.write(chunk);
        this.end();
        return this;
      };
      next();
    };
  }

  private bytesOf(value: unknown): Buffer | undefined {
    return typeof value === 'object' && value !== null ? this.encoded.get(value) : undefined;
  }
}
