import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { SerialisedJson } from '../../../src/http/json-body.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const views = () =>
  deepFreeze([
    { id: 'a', label: 'Profile “Tutor” — active', nested: { n: 1, none: null } },
    { id: 'b', label: 'ñandú \u2028 "quoted"' },
  ]);

test('encode gives the bytes of JSON.stringify, remembered parts included, in key order', () => {
  const serialised = new SerialisedJson();
  const list = serialised.remember(views());
  const bodies: Record<string, unknown>[] = [
    { profiles: list, activeProfileId: null, requestId: 'r-1', durationMs: 3 },
    { first: 1, profiles: list },
    { profiles: list },
    { skipped: undefined, profiles: list, alsoSkipped: () => 1, after: 'é' },
  ];
  for (const body of bodies) {
    expect(Buffer.concat(serialised.encode(body) ?? []).toString('utf8')).toBe(JSON.stringify(body));
  }
});

test('encode declines bodies with nothing remembered, and remember refuses what is not deeply frozen', () => {
  const serialised = new SerialisedJson();
  expect(serialised.encode({ profiles: views() })).toBeNull();
  expect(serialised.encode([1, 2])).toBeNull();
  expect(serialised.encode('text')).toBeNull();
  expect(() => serialised.remember([{ id: 'a' }])).toThrow(TypeError);
  expect(() => serialised.remember(Object.freeze([{ id: 'a' }]))).toThrow(TypeError);
});

test('res.json sends remembered bytes with the headers a JSON string gets, and leaves other bodies to Express', async () => {
  const serialised = new SerialisedJson();
  const list = serialised.remember(views());
  const app = express();
  app.use(serialised.middleware());
  app.get('/list', (_req, res) => void res.status(200).json({ profiles: list, count: 2 }));
  app.get('/plain', (_req, res) => void res.json({ profiles: views() }));
  app.get('/problem', (_req, res) => void res.status(400).type('application/problem+json').json({ profiles: list }));
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const [route, type, body] of [
      ['/list', 'application/json; charset=utf-8', { profiles: list, count: 2 }],
      ['/plain', 'application/json; charset=utf-8', { profiles: views() }],
      ['/problem', 'application/problem+json; charset=utf-8', { profiles: list }],
    ] as const) {
      const res = await fetch(base + route);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get('content-type')).toBe(type);
      expect(Number(res.headers.get('content-length'))).toBe(bytes.byteLength);
      expect(bytes.toString('utf8')).toBe(JSON.stringify(body));
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
