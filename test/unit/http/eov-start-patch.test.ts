/**
 * The start-up part of the patch to express-openapi-validator (patches/, applied by `postinstall`):
 * component schemas are read from ajv's registry rather than compiled while the spec is prepared,
 * a spec whose refs are already direct is used without the ref parser (any other still goes
 * through it), modules only some options need load only then, and each route's validators carry
 * the spec non-enumerable when it declares no ids, while a spec with anchors still resolves them;
 * a response validator is compiled for a status when a response with it is first sent.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { serveValidated, type ValidatedApp } from '../../support/validated-app.js';

const require = createRequire(import.meta.url);
const { OpenAPIFramework } = require('express-openapi-validator/dist/framework/index.js') as {
  OpenAPIFramework: new (args: object) => { loadSpec(doc: object): Promise<Record<string, unknown>> };
};
// The class every ajv flavour (2020, draft-04) extends: its _compileSchemaEnv compiles each schema.
const AjvCore = require('ajv/dist/core').default as { prototype: Record<string, (...args: unknown[]) => unknown> };

function specWith(components: Record<string, unknown>, response: object): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'start patch test', version: '1' },
    paths: {
      '/item': {
        get: {
          operationId: 'getItem',
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: response } } } },
        },
      },
    },
    components: { schemas: components },
  };
}

const ITEM = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 5 }, tags: { $ref: '#/components/schemas/Tags' } },
};
const TAGS = { type: 'array', maxItems: 2, items: { type: 'string' } };
const PLAIN_SPEC = specWith({ Item: ITEM, Tags: TAGS }, { $ref: '#/components/schemas/Item' });

function serve(spec: object, answer: () => unknown): Promise<ValidatedApp> {
  return serveValidated(spec, (app) => void app.get('/item', (_req, res) => void res.json(answer())));
}

describe('loading the spec', () => {
  test('a spec whose every ref points straight at a value is used as it is; one with a ref through a ref is still bundled', async () => {
    const framework = new OpenAPIFramework({});
    const direct = { a: { $ref: '#/d/c' }, d: { c: { type: 'string' } } };
    const loaded = await framework.loadSpec(direct);
    expect(loaded).toBe(direct);
    expect(loaded).toEqual({ a: { $ref: '#/d/c' }, d: { c: { type: 'string' } } });
    // The ref parser re-points a ref that leads through another one: proof it still ran.
    expect(await framework.loadSpec({ a: { $ref: '#/b' }, b: { $ref: '#/d' }, d: { c: 1 } })).toEqual({ a: { $ref: '#/d' }, b: { $ref: '#/d' }, d: { c: 1 } });
    expect(await framework.loadSpec({ a: { $ref: '#/b/c' }, b: { $ref: '#/d' }, d: { c: 1 } })).toEqual({ a: { $ref: '#/d/c' }, b: { $ref: '#/d' }, d: { c: 1 } });
  });

  test('a missing target or another file still fails the way the ref parser says', async () => {
    const framework = new OpenAPIFramework({});
    await expect(framework.loadSpec({ a: { $ref: '#/nowhere' } })).rejects.toMatchObject({ name: 'MissingPointerError' });
    await expect(framework.loadSpec({ a: { $ref: 'other.yaml#/x' } })).rejects.toMatchObject({ name: 'ResolverError' });
  });

  test('no schema is compiled before the first request, and the first request still validates against $ref-ed components', async () => {
    const compile = AjvCore.prototype._compileSchemaEnv as (...args: unknown[]) => unknown;
    let compiled = 0;
    AjvCore.prototype._compileSchemaEnv = function (this: unknown, ...args: unknown[]) {
      compiled += 1;
      return compile.apply(this, args);
    };
    let body: unknown = { id: 'a', tags: ['x'] };
    try {
      const app = await serve(PLAIN_SPEC, () => body);
      try {
        // The spec was loaded and prepared in the microtasks before 'listening'; no request has asked for a validator yet.
        expect(compiled).toBe(0);
        expect((await fetch(`${app.url}/item`)).status).toBe(200);
        expect(compiled).toBeGreaterThan(0);
        body = { id: 'a', tags: ['x', 'y', 'z'] };
        expect((await fetch(`${app.url}/item`)).status).toBe(500);
      } finally {
        await app.close();
      }
    } finally {
      AjvCore.prototype._compileSchemaEnv = compile;
    }
  });
});

describe('route validators', () => {
  test('a spec with an $anchor still resolves it, and a body that breaks the anchored schema is a 500', async () => {
    const spec = specWith(
      { Item: { ...ITEM, properties: { ...ITEM.properties, tags: { $ref: '#tags' } } }, Tags: { ...TAGS, $anchor: 'tags' } },
      { $ref: '#/components/schemas/Item' },
    );
    let body: unknown = { id: 'a', tags: ['x'] };
    const app = await serve(spec, () => body);
    try {
      expect((await fetch(`${app.url}/item`)).status).toBe(200);
      body = { id: 'a', tags: ['x', 'y', 'z'] };
      expect((await fetch(`${app.url}/item`)).status).toBe(500);
    } finally {
      await app.close();
    }
  });

  test('without ids, a response and a request are still checked against components reached through refs', async () => {
    let body: unknown = { id: 'a', tags: ['x'] };
    const app = await serve(PLAIN_SPEC, () => body);
    try {
      expect((await fetch(`${app.url}/item`)).status).toBe(200);
      body = { id: 'abcdef' };
      expect((await fetch(`${app.url}/item`)).status).toBe(500);
      expect((await fetch(`${app.url}/item?unknown=1`)).status).toBe(400);
    } finally {
      await app.close();
    }
  });
});

test("a route's response validators compile for the status sent, when it is first sent; a later error body is still checked", async () => {
  const missing = { type: 'object', additionalProperties: false, required: ['title'], properties: { title: { type: 'string' } } };
  const spec = specWith({ Item: ITEM, Tags: TAGS }, { $ref: '#/components/schemas/Item' });
  const get = (spec.paths as Record<string, { get: { responses: Record<string, unknown> } }>)['/item']!.get;
  get.responses['404'] = { description: 'missing', content: { 'application/json': { schema: missing } } };
  const compile = AjvCore.prototype._compileSchemaEnv as (...args: unknown[]) => unknown;
  const compiledResponses: unknown[] = [];
  AjvCore.prototype._compileSchemaEnv = function (this: unknown, ...args: unknown[]) {
    compiledResponses.push((args[0] as { schema?: { properties?: { response?: unknown } } }).schema?.properties?.response);
    return compile.apply(this, args);
  };
  let answer: { status: number; body: unknown } = { status: 200, body: { id: 'a' } };
  const app = await serveValidated(spec, (express) => void express.get('/item', (_req, res) => void res.status(answer.status).json(answer.body)));
  try {
    expect((await fetch(`${app.url}/item`)).status).toBe(200);
    expect(compiledResponses).not.toContainEqual(missing);
    answer = { status: 404, body: { title: 'gone', extra: 1 } };
    expect((await fetch(`${app.url}/item`)).status).toBe(500);
    expect(compiledResponses).toContainEqual(missing);
    answer = { status: 404, body: { title: 'gone' } };
    expect((await fetch(`${app.url}/item`)).status).toBe(404);
  } finally {
    AjvCore.prototype._compileSchemaEnv = compile;
    await app.close();
  }
});

test('with fileUploader off and no spec validation, multer, the ref parser and ajv-draft-04 are never loaded', () => {
  // A fresh process: its module cache shows what a service start loads.
  const script = `
    const express = require('express');
    const OpenApiValidator = require('express-openapi-validator');
    const app = express();
    app.use(OpenApiValidator.middleware({ apiSpec: ${JSON.stringify(PLAIN_SPEC)}, validateResponses: true, validateApiSpec: false, validateSecurity: false, fileUploader: false }));
    app.get('/item', (_req, res) => res.json({ id: 'a' }));
    const server = app.listen(0, '127.0.0.1', async () => {
      const res = await fetch('http://127.0.0.1:' + server.address().port + '/item');
      const loaded = Object.keys(require.cache).filter((f) => /node_modules\\/(multer|@apidevtools\\/json-schema-ref-parser|ajv-draft-04)\\//.test(f));
      process.stdout.write(JSON.stringify({ status: res.status, loaded }));
      server.close();
    });`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual({ status: 200, loaded: [] });
});
