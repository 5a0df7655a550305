import { readFile, rm, writeFile } from 'node:fs/promises';
import { expectContract } from '../support/contract.js';
import { localLlama } from '../support/builders.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

test('Accept-Language: es gives Spanish messages and labels; unknown languages fall back to English', async () => {
  const created = await server.http
    .post('/api/llm/profiles')
    .set(server.auth)
    .set('Accept-Language', 'es-MX,es;q=0.9')
    .send({ profile: localLlama({ name: 'Llama local' }) });
  expectContract('createProfile', created);
  expect(created.headers['content-language']).toBe('es');
  expect(created.body.profile.accessibility.label).toMatch(/activo/i);
  expect(created.body.profile.accessibility.label).toMatch(/este equipo|esta computadora|este ordenador/i);

  const missing = await server.http.get('/api/llm/profiles/3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90').set(server.auth).set('Accept-Language', 'es');
  expectContract('getProfile', missing);
  const english = await server.http.get('/api/llm/profiles/3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90').set(server.auth).set('Accept-Language', 'fr-FR');
  expect(english.headers['content-language']).toBe('en');
  expect(missing.body.userMessage).not.toBe(english.body.userMessage);
  expect(missing.body.remediation).not.toBe(english.body.remediation);

  const invalid = await server.http
    .post('/api/llm/profiles')
    .set(server.auth)
    .set('Accept-Language', 'es')
    .send({ profile: { ...localLlama(), endpointUrl: 'http://example.com' } });
  expectContract('createProfile', invalid);
  const invalidEn = await server.http
    .post('/api/llm/profiles')
    .set(server.auth)
    .send({ profile: { ...localLlama(), endpointUrl: 'http://example.com' } });
  expect(invalid.body.errors[0].message).not.toBe(invalidEn.body.errors[0].message);
});

test('messages carry no internals: no stack, no path outside the data dir, no library names, no unfilled placeholder', async () => {
  const responses = [
    await server.http
      .post('/api/llm/profiles')
      .set(server.auth)
      .send({ profile: { name: 5 } }),
    await server.http.post('/api/llm/profiles').set(server.auth).set('Content-Type', 'application/json').send('{bad'),
    await server.http.get('/api/llm/profiles/not-a-uuid').set(server.auth),
    await server.http.delete('/api/llm/profiles').set(server.auth),
    await server.http.get('/api/llm/profiles'),
  ];
  for (const res of responses) {
    const text = JSON.stringify({ userMessage: res.body.userMessage, remediation: res.body.remediation, errors: res.body.errors, detail: res.body.detail });
    expect(text).not.toMatch(/\bat \w+ \(|\/home\/|\/tmp\/|node_modules|express|ajv|lowdb|forge|\{[a-zA-Z]+\}/);
    expect(res.body.userMessage.length).toBeLessThanOrEqual(200);
    expect(res.body.remediation.length).toBeLessThanOrEqual(200);
  }
});

test('every diagnostics line parses, carries its request ids, and nothing breaks when diagnostics cannot be written', async () => {
  const res = await server.http.get('/api/llm/profiles').set(server.auth).set('X-Request-Id', 'diag-check-1');
  await server.service.deps.diagnostics.flush();
  const lines = (await readFile(`${server.service.paths.diagnosticsDir}/profiles.jsonl`, 'utf8')).trim().split('\n');
  const entries = lines.map((line) => JSON.parse(line) as { requestId: string; correlationId: string });
  const mine = entries.find((e) => e.requestId === 'diag-check-1');
  expect(mine?.correlationId).toBe(res.body.correlationId);
  for (const entry of entries) expect(entry.correlationId).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);

  // Replace the folder with a plain file: appends fail (even for root), requests must not.
  await rm(server.service.paths.diagnosticsDir, { recursive: true, force: true });
  await writeFile(server.service.paths.diagnosticsDir, 'not a folder');
  for (let i = 0; i < 5; i += 1) {
    const ok = await server.http.post('/api/llm/profiles').set(server.auth).send({ profile: localLlama() });
    expect(ok.status).toBe(201);
  }
  await server.service.deps.diagnostics.flush();
  const list = await server.http.get('/api/llm/profiles?includeDiagnostics=true').set(server.auth);
  expect(list.status).toBe(200);
  expect(list.body.diagnostics.length).toBeGreaterThan(0);
  await rm(server.service.paths.diagnosticsDir, { force: true });
});
