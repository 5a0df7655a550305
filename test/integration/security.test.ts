import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { jest } from '@jest/globals';
import { expectContract } from '../support/contract.js';
import { localLlama } from '../support/builders.js';
import { rawRequest } from '../support/raw-http.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let profileId: string;
const seen: string[] = [];

beforeAll(async () => {
  // A window far longer than five calls take on any machine: which of them are refused depends on the count alone.
  server = await startTestServer({ rateLimits: { test: { limit: 3, windowMs: 60_000 }, discover: { limit: 10, windowMs: 60_000 } } });
  const res = await server.http.post('/api/llm/profiles').set(server.auth).send({ profile: localLlama() });
  profileId = res.body.profile.id;
});

afterAll(async () => {
  await server.close();
});

function record(res: { text?: string; headers: Record<string, unknown> }): void {
  seen.push(res.text ?? '', JSON.stringify(res.headers));
}

const OPERATIONS = (id: string) =>
  [
    ['listProfiles', 'GET', '/api/llm/profiles', undefined],
    ['createProfile', 'POST', '/api/llm/profiles', { profile: localLlama() }],
    ['getProfile', 'GET', `/api/llm/profiles/${id}`, undefined],
    ['updateProfile', 'PATCH', `/api/llm/profiles/${id}`, { changes: { name: 'Changed by attacker' } }],
    ['deleteProfile', 'DELETE', `/api/llm/profiles/${id}`, undefined],
    ['activateProfile', 'POST', `/api/llm/profiles/${id}/activate`, undefined],
    ['testProfile', 'POST', `/api/llm/profiles/${id}/test`, {}],
    ['testDraftProfile', 'POST', '/api/llm/profiles/test', { profile: localLlama() }],
    ['discoverProviders', 'POST', '/api/llm/profiles/discover', { scope: { strategy: 'local' } }],
    ['exportDiagnostics', 'GET', '/api/llm/diagnostics', undefined],
  ] as const;

describe('bearer token', () => {
  test('every /api/llm operation: no token, wrong token, one byte changed → 401 with WWW-Authenticate', async () => {
    const flipped = server.token.slice(0, -1) + (server.token.endsWith('A') ? 'B' : 'A');
    for (const [operationId, method, route, body] of OPERATIONS(profileId)) {
      for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${flipped}`, `Basic ${server.token}`, `Bearer ${server.token} extra`]) {
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (authorization) headers.Authorization = authorization;
        const res = await rawRequest(server.service.port, { method, path: route, headers, body: body ? JSON.stringify(body) : undefined });
        record(res);
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expectContract(operationId, res);
      }
    }
    const list = await server.http.get('/api/llm/profiles').set(server.auth);
    expect(list.body.profiles[0].name).not.toBe('Changed by attacker');
  });

  test('the right token is accepted by every operation', async () => {
    for (const [, method, route, body] of OPERATIONS(profileId).filter(([op]) => op !== 'deleteProfile' && op !== 'testProfile' && op !== 'testDraftProfile')) {
      const res = await rawRequest(server.service.port, {
        method,
        path: route,
        headers: { ...server.auth, 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      record(res);
      expect(res.status).not.toBe(401);
    }
  });
});

describe('Host guard (DNS rebinding)', () => {
  test('hostile Host values answer 403 HOST_NOT_ALLOWED and reach no handler', async () => {
    const port = server.service.port;
    const hostile = [
      '',
      'localhost.evil.test',
      `localhost.evil.test:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `evil.com:${port}`,
      `localhost:${port + 1}`,
      'localhost',
      '127.0.0.1',
      `127.0.0.2:${port}`,
      `0.0.0.0:${port}`,
      `[::2]:${port}`,
      `[::ffff:7f00:1]:${port}`,
      `2130706433:${port}`,
      `0x7f000001:${port}`,
      `127.1:${port}`,
      `localhost:${port}@evil.com`,
      `user@localhost:${port}`,
      `localhost:${port}:${port}`,
      `10.0.0.1:${port}`,
      `192.168.1.1:${port}`,
      `localhost.:${port}`,
      `xn--localhost:${port}`,
      `local host:${port}`,
    ];
    const list = jest.spyOn(server.service.deps.profiles, 'list');
    const create = jest.spyOn(server.service.deps.profiles, 'create');
    for (const host of hostile) {
      for (const [method, route, body] of [
        ['GET', '/api/llm/profiles', undefined],
        ['POST', '/api/llm/profiles', JSON.stringify({ profile: localLlama() })],
        ['GET', '/api/health', undefined],
      ] as const) {
        const res = await rawRequest(port, { method, path: route, headers: { Host: host, ...server.auth, 'Content-Type': 'application/json' }, body });
        record(res);
        expect({ host, status: res.status }).toEqual({ host, status: 403 });
        expect(res.body.code).toBe('HOST_NOT_ALLOWED');
      }
    }
    const noHost = await rawRequest(port, { path: '/api/llm/profiles', headers: server.auth, omitHost: true });
    expect(noHost.status).toBe(403);
    expect(list).not.toHaveBeenCalled();
    expect(create).not.toHaveBeenCalled();
    list.mockRestore();
    create.mockRestore();
  });

  test('the three loopback forms with the server port are accepted', async () => {
    for (const host of ['localhost', '127.0.0.1', '[::1]', 'LOCALHOST']) {
      const res = await rawRequest(server.service.port, { path: '/api/llm/profiles', headers: { Host: `${host}:${server.service.port}`, ...server.auth } });
      record(res);
      expect(res.status).toBe(200);
    }
  });
});

describe('Origin guard and JSON-only bodies', () => {
  test('a foreign Origin on every method answers 403 ORIGIN_NOT_ALLOWED with no CORS headers', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://localhost:3000']) {
      for (const [operationId, method, route, body] of OPERATIONS(profileId)) {
        const res = await rawRequest(server.service.port, {
          method,
          path: route,
          headers: { ...server.auth, Origin: origin, 'Content-Type': 'application/json' },
          body: body ? JSON.stringify(body) : undefined,
        });
        record(res);
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('ORIGIN_NOT_ALLOWED');
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        expectContract(operationId, res);
      }
      const health = await rawRequest(server.service.port, { path: '/api/health', headers: { Origin: origin } });
      expect(health.status).toBe(403);
    }
  });

  test('text/plain, form and multipart POSTs answer 415 and change nothing', async () => {
    const before = await server.http.get('/api/llm/profiles').set(server.auth);
    for (const [, method, route, body] of OPERATIONS(profileId).filter(([, m]) => m !== 'GET')) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const res = await rawRequest(server.service.port, {
          method,
          path: route,
          headers: { ...server.auth, 'Content-Type': type },
          body: body ? JSON.stringify(body) : 'a=b',
        });
        record(res);
        expect({ method, route, type, status: res.status, body: res.body?.code }).toEqual({ method, route, type, status: 415, body: 'UNSUPPORTED_MEDIA_TYPE' });
        expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      }
    }
    const after = await server.http.get('/api/llm/profiles').set(server.auth);
    expect(after.body.profiles).toEqual(before.body.profiles);
  });
});

test('an allowed origin gets exactly that origin back, never *', async () => {
  // Its own server: an allowed origin is start-up configuration, and the shared one must refuse every origin.
  const allowed = await startTestServer({ allowedOrigins: ['app://llm-tutor'] });
  try {
    const res = await allowed.http.get('/api/llm/profiles').set(allowed.auth).set('Origin', 'app://llm-tutor');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('app://llm-tutor');
    const preflight = await allowed.http.options('/api/llm/profiles').set('Origin', 'app://llm-tutor');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('app://llm-tutor');
  } finally {
    await allowed.close();
  }
});

test('test calls beyond the limit answer 429 with Retry-After', async () => {
  const statuses: number[] = [];
  let limited: { headers: Record<string, string>; body: { code: string } } | undefined;
  for (let i = 0; i < 5; i += 1) {
    const res = await server.http
      .post('/api/llm/profiles/test')
      .set(server.auth)
      .send({ profile: localLlama({ endpointUrl: 'http://127.0.0.1:9' }), timeoutMs: 1000 });
    record(res);
    statuses.push(res.status);
    if (res.status === 429) {
      expectContract('testDraftProfile', res);
      limited = res as never;
    }
  }
  expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
  expect(statuses.slice(3)).toEqual([429, 429]);
  expect(Number(limited?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(limited?.body.code).toBe('RATE_LIMITED');
});

test('the limit resets when its window has passed', async () => {
  // Its own server: a short window is start-up configuration, and waiting out the shared one's would take a minute.
  const short = await startTestServer({ rateLimits: { test: { limit: 1, windowMs: 2000 }, discover: { limit: 10, windowMs: 60_000 } } });
  try {
    const draft = () =>
      short.http
        .post('/api/llm/profiles/test')
        .set(short.auth)
        .send({ profile: localLlama({ endpointUrl: 'http://127.0.0.1:9' }), timeoutMs: 1000 });
    // Sent together, so both fall in one window however slow the machine.
    const both = await Promise.all([draft(), draft()]);
    expect(both.map((res) => res.status).sort()).toEqual([200, 429]);
    const limited = both.find((res) => res.status === 429);
    await new Promise((r) => setTimeout(r, Number(limited?.headers['retry-after']) * 1000 + 100));
    const again = await draft();
    expect(again.status).toBe(200);
  } finally {
    await short.close();
  }
});

test('the token and the vault key appear in no response, log or diagnostics line of this suite', async () => {
  await server.service.deps.diagnostics.flush();
  const key = await readFile(server.service.paths.keyFile);
  const canaries = [server.token, encodeURIComponent(server.token), Buffer.from(server.token).toString('base64'), key.toString('hex'), key.toString('base64')];
  const diagDir = server.service.paths.diagnosticsDir;
  const diagnostics = (await Promise.all((await readdir(diagDir)).map((f) => readFile(path.join(diagDir, f), 'utf8')))).join('\n');
  const haystacks = [seen.join('\n'), server.logs.join('\n'), diagnostics];
  expect(diagnostics.length).toBeGreaterThan(0);
  for (const canary of canaries) for (const haystack of haystacks) expect(haystack.includes(canary)).toBe(false);
});
