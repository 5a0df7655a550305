import { expectContract } from '../support/contract.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

test('a well-formed X-Request-Id is echoed; a malformed one is replaced, never reflected', async () => {
  const good = await server.http.get('/api/llm/profiles').set(server.auth).set('X-Request-Id', 'desktop-42.a:b');
  expect(good.headers['x-request-id']).toBe('desktop-42.a:b');
  expect(good.body.requestId).toBe('desktop-42.a:b');

  const evil = '<script>alert(1)</script>';
  const bad = await server.http.get('/api/llm/profiles').set(server.auth).set('X-Request-Id', evil);
  expect(bad.headers['x-request-id']).not.toBe(evil);
  expect(bad.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
  expect(JSON.stringify(bad.body)).not.toContain('script');

  const long = await server.http.get('/api/llm/profiles').set(server.auth).set('X-Request-Id', 'a'.repeat(65));
  expect(long.body.requestId).not.toBe('a'.repeat(65));
});

test('every response carries the four meta fields, errors included', async () => {
  const responses = [
    await server.http.get('/api/llm/profiles').set(server.auth),
    await server.http.get('/api/llm/profiles'),
    await server.http.get('/api/llm/profiles/3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90').set(server.auth),
    await server.http.get('/api/health'),
    await server.http.get('/no/such/route').set(server.auth),
  ];
  for (const res of responses) {
    expect(res.body).toEqual(expect.objectContaining({ correlationId: expect.any(String), requestId: expect.any(String), durationMs: expect.any(Number) }));
    expect(['available', 'unavailable']).toContain(res.body.safeStorageStatus);
    expect(res.headers['content-language']).toBe('en');
  }
});

test('unknown routes are 404 problem+json; a wrong method is 405 with Allow', async () => {
  const missing = await server.http.get('/api/llm/nothing-here').set(server.auth);
  expect(missing.status).toBe(404);
  expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(missing.body.code).toBe('NOT_FOUND');

  const wrong = await server.http.put('/api/llm/profiles').set(server.auth).send({});
  expect(wrong.status).toBe(405);
  expect(wrong.headers.allow).toBe('GET, POST');
  expect(wrong.body.code).toBe('METHOD_NOT_ALLOWED');

  const wrongItem = await server.http.post('/api/llm/profiles/3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90').set(server.auth).send({});
  expect(wrongItem.status).toBe(405);
  expect(wrongItem.headers.allow).toBe('GET, PATCH, DELETE');
});

test('health needs no token, reveals nothing sensitive and matches the contract', async () => {
  const res = await server.http.get('/api/health');
  expectContract('getHealth', res);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: 'ok', vault: 'ok', safeStorageStatus: 'available' });
  expect(JSON.stringify(res.body)).not.toContain(server.dataDir);
  expect(JSON.stringify(res.body)).not.toContain(server.token);
});

test('the diagnostics export needs the token and returns at most limit lines', async () => {
  await server.http.get('/api/llm/profiles').set(server.auth).set('X-Correlation-Id', 'support-case-1');
  await server.service.deps.diagnostics.flush();
  const res = await server.http.get('/api/llm/diagnostics?limit=1&correlationId=support-case-1').set(server.auth);
  expectContract('exportDiagnostics', res);
  expect(res.status).toBe(200);
  expect(res.body.entries).toHaveLength(1);
  expect(res.body.entries[0]).toMatchObject({ correlationId: 'support-case-1', operationId: 'listProfiles', httpStatus: 200 });
  const noToken = await server.http.get('/api/llm/diagnostics');
  expectContract('exportDiagnostics', noToken);
  expect(noToken.status).toBe(401);
  expect(noToken.headers['www-authenticate']).toMatch(/^Bearer/);
});

test('security headers suit a JSON API', async () => {
  const res = await server.http.get('/api/llm/profiles').set(server.auth);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['access-control-allow-origin']).toBeUndefined();
  expect(res.headers['x-powered-by']).toBeUndefined();
});
