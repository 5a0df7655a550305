/**
 * Field errors are read out of the validator's English sentences (src/http/contract.ts): the
 * property a `required` or `additionalProperties` complaint names, the limit in "must NOT have
 * more than 64 characters", the allowed values, the format, the expected type. ajv and
 * express-openapi-validator do not promise those sentences, so an upgrade could change them and
 * silently turn precise field errors into vague ones. This golden test pins both the sentences
 * and what is parsed from them: when it fails after an upgrade, fix the parsing, then the golden.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { contractValidator, translateFrameworkError } from '../../../src/http/contract.js';

/** One operation whose body schema uses every keyword contract.ts translates. */
const document = {
  openapi: '3.1.0',
  info: { title: 'golden', version: '1.0.0' },
  paths: {
    '/things': {
      post: {
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['name'],
                properties: {
                  name: { type: 'string', minLength: 1, maxLength: 8, pattern: '^[a-z]+$' },
                  kind: { type: 'string', enum: ['ollama', 'custom'] },
                  url: { type: 'string', format: 'uri' },
                  count: { type: 'integer', minimum: 1, maximum: 5 },
                  ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
                  tags: { type: 'array', minItems: 1, maxItems: 2, uniqueItems: true, items: { type: 'string' } },
                  changes: { type: 'object', minProperties: 1 },
                },
              },
            },
          },
        },
        responses: { '204': { description: 'ok' } },
      },
    },
  },
};

function goldenApp(): express.Express {
  const app = express();
  app.use(express.json());
  app.use(contractValidator({ yaml: '', document }));
  app.post('/things', (_req, res) => {
    res.status(204).end();
  });
  app.use((error: { errors?: unknown }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(400).json({ raw: error.errors, translated: translateFrameworkError(error, 1000) });
  });
  return app;
}

const cases: { body: unknown; raw: unknown; fieldErrors: unknown }[] = [
  {
    body: {},
    raw: [{ path: '/body/name', message: "must have required property 'name'", errorCode: 'required.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/name', messageKey: 'field.required', params: {} }],
  },
  {
    body: { name: 'ok', extra: 1 },
    raw: [{ path: '/body/extra', message: 'must NOT have additional properties', errorCode: 'additionalProperties.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/extra', messageKey: 'field.unknown', params: {} }],
  },
  {
    body: { name: 7 },
    raw: [{ path: '/body/name', message: 'must be string', errorCode: 'type.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/name', messageKey: 'field.type', params: { expected: 'string' } }],
  },
  {
    body: { name: '' },
    raw: [{ path: '/body/name', message: 'must NOT have fewer than 1 characters', errorCode: 'minLength.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/name', messageKey: 'field.minLength', params: { limit: 1 } }],
  },
  {
    body: { name: 'waytoolongname' },
    raw: [{ path: '/body/name', message: 'must NOT have more than 8 characters', errorCode: 'maxLength.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/name', messageKey: 'field.maxLength', params: { limit: 8 } }],
  },
  {
    body: { name: 'UPPER' },
    raw: [{ path: '/body/name', message: 'must match pattern "^[a-z]+$"', errorCode: 'pattern.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/name', messageKey: 'field.pattern', params: {} }],
  },
  {
    body: { name: 'ok', kind: 'other' },
    raw: [{ path: '/body/kind', message: 'must be equal to one of the allowed values: ollama, custom', errorCode: 'enum.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/kind', messageKey: 'field.enum', params: { allowed: 'ollama, custom' } }],
  },
  {
    body: { name: 'ok', url: 'not a uri' },
    raw: [{ path: '/body/url', message: 'must match format "uri"', errorCode: 'format.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/url', messageKey: 'field.format', params: { format: 'uri' } }],
  },
  {
    body: { name: 'ok', count: 0 },
    raw: [{ path: '/body/count', message: 'must be >= 1', errorCode: 'minimum.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/count', messageKey: 'field.minimum', params: { limit: 1 } }],
  },
  {
    body: { name: 'ok', count: 6 },
    raw: [{ path: '/body/count', message: 'must be <= 5', errorCode: 'maximum.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/count', messageKey: 'field.maximum', params: { limit: 5 } }],
  },
  {
    body: { name: 'ok', count: 1.5 },
    raw: [{ path: '/body/count', message: 'must be integer', errorCode: 'type.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/count', messageKey: 'field.type', params: { expected: 'integer' } }],
  },
  {
    body: { name: 'ok', ratio: 0 },
    raw: [{ path: '/body/ratio', message: 'must be > 0', errorCode: 'exclusiveMinimum.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/ratio', messageKey: 'field.minimum', params: {} }],
  },
  {
    body: { name: 'ok', ratio: 1 },
    raw: [{ path: '/body/ratio', message: 'must be < 1', errorCode: 'exclusiveMaximum.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/ratio', messageKey: 'field.maximum', params: {} }],
  },
  {
    body: { name: 'ok', tags: [] },
    raw: [{ path: '/body/tags', message: 'must NOT have fewer than 1 items', errorCode: 'minItems.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/tags', messageKey: 'field.minItems', params: { limit: 1 } }],
  },
  {
    body: { name: 'ok', tags: ['a', 'b', 'c'] },
    raw: [{ path: '/body/tags', message: 'must NOT have more than 2 items', errorCode: 'maxItems.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/tags', messageKey: 'field.maxItems', params: { limit: 2 } }],
  },
  {
    body: { name: 'ok', tags: ['a', 'a'] },
    raw: [{ path: '/body/tags', message: 'must NOT have duplicate items (items ## 1 and 0 are identical)', errorCode: 'uniqueItems.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/tags', messageKey: 'field.uniqueItems', params: {} }],
  },
  {
    body: { name: 'ok', changes: {} },
    raw: [{ path: '/body/changes', message: 'must NOT have fewer than 1 properties', errorCode: 'minProperties.openapi.validation' }],
    fieldErrors: [{ pointer: '/body/changes', messageKey: 'field.minProperties', params: { limit: 1 } }],
  },
];

describe("the validator's English, as contract.ts reads it", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = goldenApp().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test.each(cases)('$raw.0.message', async ({ body, raw, fieldErrors }) => {
    const res = await request(url)
      .post('/things')
      .send(body as object);
    expect(res.status).toBe(400);
    expect(res.body.raw).toEqual(raw);
    expect(res.body.translated.fieldErrors).toEqual(fieldErrors);
  });
});
