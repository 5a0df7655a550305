/**
 * Minimal cases the contract fuzzer found (each was a 500 or a wrong status before its fix),
 * kept as plain examples so a regression names itself.
 */
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

test.each(['2026-13-32T24:00:00Z', '2026-19-39T29:59:59Z', '2026-02-30T10:00:00Z'])(
  'consentTimestamp %s (no such date) is a 400, never a 500 or a silently moved date',
  async (consentTimestamp) => {
    const res = await server.http
      .post('/api/llm/profiles')
      .set(server.auth)
      .send({ profile: localLlama({ consentTimestamp }) });
    expectContract('createProfile', res);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
  },
);

test('a leap second (valid RFC 3339, but no JavaScript date) is a 400 naming the field, never a 500', async () => {
  const res = await server.http
    .post('/api/llm/profiles')
    .set(server.auth)
    .send({ profile: localLlama({ consentTimestamp: '2026-12-31T23:59:60Z' }) });
  expectContract('createProfile', res);
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/body/profile/consentTimestamp' })]);
});

test('an endpointUrl that is not a URI is a schema error (400) even for an unknown profile', async () => {
  const res = await server.http
    .patch('/api/llm/profiles/3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90')
    .set(server.auth)
    .send({ changes: { endpointUrl: 'http://[::1' } });
  expectContract('updateProfile', res);
  expect(res.status).toBe(400);
});
