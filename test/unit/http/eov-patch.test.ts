/**
 * The patch to express-openapi-validator (patches/, applied by `postinstall`): the route table
 * compiled once, no promise hop per middleware once the spec is loaded, content types parsed once,
 * a response serialiser that never writes into the body it validates, and response validators
 * that accept a deeply frozen value they accepted before without walking it again.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { patchedValidator, serveValidated, type ValidatedApp } from '../../support/validated-app.js';

const require = createRequire(import.meta.url);
const { ContentType } = require('express-openapi-validator/dist/middlewares/util.js') as {
  ContentType: { from(req: { headers: Record<string, string | undefined> }): { mediaType: string | null; normalize(exclude?: string[]): string | undefined } };
};

/** GET /items, answering `{ items: Item[] }` and any further `properties` (nothing else). */
function listItems(properties: Record<string, object> = {}): object {
  const schema = {
    type: 'object',
    required: ['items'],
    additionalProperties: false,
    properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Item' } }, ...properties },
  };
  return { get: { operationId: 'listItems', responses: { '200': { description: 'ok', content: { 'application/json': { schema } } } } } };
}

const spec = {
  openapi: '3.1.0',
  info: { title: 'patch test', version: '1' },
  paths: {
    '/items/{itemId}': {
      get: {
        operationId: 'getItem',
        parameters: [{ name: 'itemId', in: 'path', required: true, schema: { type: 'string', maxLength: 20 } }],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } },
      },
    },
    '/items': listItems(),
  },
  components: {
    schemas: {
      Item: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'seenAt'],
        properties: { id: { type: 'string', maxLength: 20 }, seenAt: { type: ['string', 'null'], format: 'date-time' }, at: { type: 'string', format: 'date-time' } },
      },
    },
  },
};

type Body = { id: string; seenAt: string | null; at?: string | Date } | { items: unknown[] };

function serve(answer: (req: Request) => Body): Promise<ValidatedApp> {
  return serveValidated(
    spec,
    (app) => {
      app.get('/items/:itemId', (req, res) => void res.json(answer(req)));
      app.get('/items', (req, res) => void res.json(answer(req)));
    },
    { ajvFormats: { mode: 'full' } },
  );
}

describe('route lookup (precompiled table)', () => {
  test('matches templates, decodes path parameters, and answers 404, 405 and 400 as before', async () => {
    const seen: string[] = [];
    const app = await serve((req) => {
      if (req.params.itemId === undefined) return { items: [] };
      seen.push(String(req.params.itemId));
      return { id: String(req.params.itemId), seenAt: null };
    });
    try {
      for (let i = 0; i < 3; i += 1) expect((await fetch(`${app.url}/items/a%20b${i}`)).status).toBe(200);
      expect(seen).toEqual(['a b0', 'a b1', 'a b2']);
      expect((await fetch(`${app.url}/items`)).status).toBe(200);
      expect((await fetch(`${app.url}/items/x/y`)).status).toBe(404);
      const wrongMethod = await fetch(`${app.url}/items/x`, { method: 'DELETE' });
      expect(wrongMethod.status).toBe(405);
      expect((await fetch(`${app.url}/items/%E0%A4%A`)).status).toBe(400);
      expect((await fetch(`${app.url}/items/${'x'.repeat(21)}`)).status).toBe(400);
    } finally {
      await app.close();
    }
  });
});

describe('response serialiser (x-eov-res-serdes)', () => {
  test('a frozen body with null date-times validates without being written to', async () => {
    const item = Object.freeze({ id: 'a', seenAt: null });
    const body = Object.freeze({ items: Object.freeze([item, item]) });
    const app = await serve(() => body as unknown as Body);
    try {
      const res = await fetch(`${app.url}/items`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        items: [
          { id: 'a', seenAt: null },
          { id: 'a', seenAt: null },
        ],
      });
    } finally {
      await app.close();
    }
  });

  test('a Date is still serialised, and a body that breaks the schema is still a 500', async () => {
    let next: Body = { id: 'a', seenAt: null, at: new Date('2026-01-02T03:04:05.000Z') };
    const app = await serve(() => next);
    try {
      const withDate = await fetch(`${app.url}/items/a`);
      expect(withDate.status).toBe(200);
      expect(await withDate.json()).toEqual({ id: 'a', seenAt: null, at: '2026-01-02T03:04:05.000Z' });
      next = Object.freeze({ id: 'a', seenAt: 'yesterday' });
      expect((await fetch(`${app.url}/items/a`)).status).toBe(500);
      next = Object.freeze({ id: 'a'.repeat(21), seenAt: null });
      expect((await fetch(`${app.url}/items/a`)).status).toBe(500);
    } finally {
      await app.close();
    }
  });
});

describe('remembered acceptances (deeply frozen response values)', () => {
  const counted = {
    openapi: '3.1.0',
    info: { title: 'remembered acceptances', version: '1' },
    paths: { '/items': listItems({ at: { type: 'string' } }) },
    components: {
      schemas: {
        Item: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          // A $ref inside keeps Item a function of its own (ajv inlines a schema without one).
          properties: { id: { type: 'string', format: 'counted', maxLength: 5 }, tags: { $ref: '#/components/schemas/Tags' } },
        },
        Tags: { type: 'array', items: { type: 'string', maxLength: 3 } },
      },
    },
  };

  /** Serves `{ items, ...extra }` (a new body every time, around the items given) and counts how often an item's id is checked. */
  async function serveCounted(): Promise<ValidatedApp & { checks(): number; answer(items: readonly unknown[], extra?: object): void }> {
    let checks = 0;
    let body: object = { items: [] };
    const app = await serveValidated(counted, (express) => void express.get('/items', (_req, res) => void res.json({ ...body })), {
      formats: {
        counted: {
          type: 'string',
          validate: () => {
            checks += 1;
            return true;
          },
        },
      },
    });
    return { ...app, checks: () => checks, answer: (items, extra = {}) => void (body = { items, ...extra }) };
  }

  test('a deeply frozen item is walked once; the same item later is accepted without a walk, while the body around it is still checked', async () => {
    const app = await serveCounted();
    try {
      const items = Object.freeze([Object.freeze({ id: 'a', tags: Object.freeze(['x']) }), Object.freeze({ id: 'b' })]);
      app.answer(items);
      expect((await fetch(`${app.url}/items`)).status).toBe(200);
      expect(app.checks()).toBe(2);
      const again = await fetch(`${app.url}/items`);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ items: [{ id: 'a', tags: ['x'] }, { id: 'b' }] });
      expect(app.checks()).toBe(2);
      app.answer(items, { unexpected: true });
      expect((await fetch(`${app.url}/items`)).status).toBe(500);
      app.answer(items, { at: 7 });
      expect((await fetch(`${app.url}/items`)).status).toBe(500);
    } finally {
      await app.close();
    }
  });

  test('a frozen item that breaks the schema is refused every time, and a value with any changeable part is walked every time', async () => {
    const app = await serveCounted();
    try {
      const tooLong = Object.freeze({ id: 'abcdef' });
      app.answer([tooLong]);
      expect((await fetch(`${app.url}/items`)).status).toBe(500);
      expect((await fetch(`${app.url}/items`)).status).toBe(500);

      const mutable = { id: 'c' };
      app.answer([mutable]);
      expect((await fetch(`${app.url}/items`)).status).toBe(200);
      mutable.id = 'cdefgh';
      expect((await fetch(`${app.url}/items`)).status).toBe(500);

      const tags = ['y'];
      const shallow = Object.freeze({ id: 'd', tags });
      app.answer([shallow]);
      expect((await fetch(`${app.url}/items`)).status).toBe(200);
      tags.push('toolong');
      expect((await fetch(`${app.url}/items`)).status).toBe(500);

      const withGetter = Object.freeze(Object.defineProperty({}, 'id', { enumerable: true, get: () => 'e' }));
      app.answer([withGetter]);
      const checksBefore = app.checks();
      expect((await fetch(`${app.url}/items`)).status).toBe(200);
      expect((await fetch(`${app.url}/items`)).status).toBe(200);
      expect(app.checks()).toBe(checksBefore + 2);
    } finally {
      await app.close();
    }
  });
});

describe('plumbing', () => {
  test('once the spec is loaded, each validator middleware calls next() synchronously', async () => {
    const middlewares = patchedValidator(spec) as unknown as ((req: unknown, res: unknown, next: (err?: unknown) => void) => unknown)[];
    const app = express();
    const request = () => ({ app, method: 'GET', url: '/items/a', originalUrl: '/items/a', path: '/items/a', baseUrl: '', headers: {}, params: {}, query: {} });
    const response = () => ({ json: () => undefined, statusCode: 200, getHeaders: () => ({}) });
    // The first request waits for the spec; later ones must not.
    const first = request();
    for (const mw of middlewares) await new Promise<void>((resolve, reject) => void mw(first, response(), (err) => (err ? reject(err as Error) : resolve())));
    const later = request();
    for (const mw of middlewares) {
      let calledWith: unknown = 'not called';
      mw(later, response(), (err) => (calledWith = err));
      expect(calledWith).toBeUndefined();
    }
    expect((later as { openapi?: { pathParams?: unknown } }).openapi?.pathParams).toEqual({ itemId: 'a' });
  });

  test('a Content-Type header is parsed once per distinct value', () => {
    const a = ContentType.from({ headers: { 'content-type': 'application/json; charset=UTF-8' } });
    const b = ContentType.from({ headers: { 'content-type': 'application/json; charset=UTF-8' } });
    expect(b).toBe(a);
    expect(a.mediaType).toBe('application/json');
    expect(a.normalize()).toBe('application/json; charset=utf-8');
    expect(a.normalize([])).toBe('application/json; charset=utf-8');
    expect(ContentType.from({ headers: {} }).normalize()).toBeUndefined();
  });
});

describe('start', () => {
  test('the OpenAPI meta-schema is compiled only when the spec is to be validated', async () => {
    const schemaValidator = require('express-openapi-validator/dist/framework/openapi.schema.validator.js') as { OpenAPISchemaValidator: new (opts: unknown) => unknown };
    const Original = schemaValidator.OpenAPISchemaValidator;
    let built = 0;
    schemaValidator.OpenAPISchemaValidator = class extends (Original as new (opts: unknown) => object) {
      constructor(opts: unknown) {
        super(opts);
        built += 1;
      }
    };
    try {
      for (const validateApiSpec of [false, true]) {
        const app = express();
        app.use(OpenApiValidator.middleware({ apiSpec: structuredClone(spec) as never, validateApiSpec, validateSecurity: false, fileUploader: false }));
        app.get('/items', (_req, res) => void res.json({ items: [] }));
        const server = app.listen(0, '127.0.0.1');
        await new Promise((resolve) => server.once('listening', resolve));
        const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/items`);
        await new Promise((resolve) => server.close(resolve));
        expect(res.status).toBe(200);
        expect({ validateApiSpec, built }).toEqual({ validateApiSpec, built: validateApiSpec ? 1 : 0 });
      }
    } finally {
      schemaValidator.OpenAPISchemaValidator = Original;
    }
  });
});
