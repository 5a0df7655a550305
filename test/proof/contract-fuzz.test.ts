/**
 * The contract fuzzer: for every operation in openapi/llm-profiles.yaml, requests generated
 * from the spec's schemas — valid ones and ones broken in one place — sent over real HTTP to a
 * real server, each response checked the way Schemathesis checks it: no 5xx, a documented
 * status and content type, a body and headers valid against the documented schemas (ajv 2020,
 * independent of the server's validator), invalid input refused with 4xx, valid input accepted
 * or answered with a documented 4xx; then POST → GET 200, DELETE → GET 404, no token → 401 and
 * an undocumented method → 405 with Allow.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino, type Logger } from 'pino';
import { azure, localLlama, localOllama } from '../support/builders.js';
import { contractProblems, operations, schemaProblems, spec } from '../support/contract.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { reportFigures } from '../support/proof/figures.js';
import { invalidCases, schemaViolations, toRequest, validCases, type FuzzCase } from '../support/proof/fuzz-cases.js';
import { describeExchange, ProofClient, type ProofRequest, type ProofResponse } from '../support/proof/http-client.js';
import { closedPorts, offlineLookup } from '../support/proof/net.js';
import { scaled, seedFor } from '../support/proof/scale.js';
import { responseHeaderProblems } from '../support/proof/spec-validation.js';

const VALID_RUNS = scaled(200);
const INVALID_RUNS = scaled(200);
/** Every n-th valid case is also sent without a token (and with a wrong one). */
const NO_TOKEN_EVERY = 5;
const TIMEOUT_MS = 240_000 * Math.max(1, VALID_RUNS / 200);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** Statuses a valid request may not get here: the guards have nothing to object to, the key is available and the limits are off. */
const NOT_FOR_VALID_INPUT = new Set([401, 403, 406, 413, 415, 423, 429]);

interface OperationFigures {
  valid: number;
  validAccepted: number;
  invalid: number;
  invalidByKind: Record<string, number>;
  statuses: Record<string, number>;
  followUps: number;
  noTokenProbes: number;
  ms: number;
}

const figures: Record<string, OperationFigures> = {};
const started = Date.now();

function fresh(): OperationFigures {
  return { valid: 0, validAccepted: 0, invalid: 0, invalidByKind: {}, statuses: {}, followUps: 0, noTokenProbes: 0, ms: 0 };
}

let failures = 0;
/** Warnings and errors the server under test logged, shown with a failure. */
const serverLogs: string[] = [];

function fail(operationId: string, request: ProofRequest, response: ProofResponse | undefined, problems: string[]): never {
  failures += 1;
  const logs = serverLogs.length > 0 ? `\nserver log:\n${serverLogs.slice(-5).join('')}` : '';
  throw new Error(`\n${describeExchange(operationId, request, response, problems)}${logs}\n`);
}

/** The checks every response gets, whatever was sent. */
function responseProblems(operationId: string, request: ProofRequest, response: ProofResponse): string[] {
  const problems: string[] = [];
  if (response.status >= 500) problems.push(`server error ${response.status}`);
  problems.push(...contractProblems(operationId, response.status, response.headers['content-type'], response.body));
  problems.push(...responseHeaderProblems(operationId, response.status, response.headers));
  const requestId = response.headers['x-request-id'];
  if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) problems.push(`X-Request-Id header missing or malformed: ${String(requestId)}`);
  const sentId = request.headers['X-Request-Id'];
  if (sentId !== undefined && REQUEST_ID.test(sentId) && requestId !== sentId) problems.push(`a well-formed X-Request-Id was not echoed (${sentId} → ${String(requestId)})`);
  return problems;
}

/** API keys sent in the request that must never come back (short ones would match by chance). */
function sentSecrets(request: ProofRequest): string[] {
  if (!request.body) return [];
  try {
    const body = JSON.parse(request.body) as { profile?: { apiKey?: unknown }; changes?: { apiKey?: unknown } };
    return [body.profile?.apiKey, body.changes?.apiKey].filter((k): k is string => typeof k === 'string' && k.length >= 12);
  } catch {
    return [];
  }
}

interface Harness {
  server: TestServer;
  client: ProofClient;
  pool: string[];
  counter: number;
}

async function seedPool(harness: Harness, ports: number[]): Promise<void> {
  const [a = 1, b = 1, c = 1] = ports;
  const seeds = [
    localLlama({ endpointUrl: `http://127.0.0.1:${a}`, apiKey: `seed-key-${harness.counter}-llama` }),
    localOllama({ endpointUrl: `http://localhost:${b}` }),
    localLlama({ providerType: 'custom', endpointUrl: `http://[::1]:${c}/v1`, apiKey: `seed-key-${harness.counter}-custom`, modelId: null }),
    azure(),
  ];
  for (const profile of seeds) {
    const res = await harness.client.json('POST', '/api/llm/profiles', { profile });
    if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${res.text}`);
    harness.pool.push(res.body.profile.id as string);
  }
}

/** POST → GET 200, PATCH → GET shows it, DELETE → GET 404, activate → the list says so. */
async function followUp(harness: Harness, operationId: string, ids: Record<string, string>, response: ProofResponse): Promise<string[] | null> {
  const { client, pool } = harness;
  const problems: string[] = [];
  const get = async (id: string) => {
    const res = await client.json('GET', `/api/llm/profiles/${encodeURIComponent(id)}`);
    problems.push(...contractProblems('getProfile', res.status, res.headers['content-type'], res.body).map((p) => `follow-up GET: ${p}`));
    return res;
  };
  if (operationId === 'createProfile' && response.status === 201) {
    const id = response.body.profile.id as string;
    if (response.headers.location !== `/api/llm/profiles/${id}`) problems.push(`Location is ${String(response.headers.location)}, not /api/llm/profiles/${id}`);
    const res = await get(id);
    if (res.status !== 200) problems.push(`POST then GET answered ${res.status}, not 200`);
    else if (JSON.stringify(res.body.profile) !== JSON.stringify(response.body.profile)) problems.push('POST then GET returned a different profile');
    pool.push(id);
  } else if (operationId === 'updateProfile' && response.status === 200) {
    const res = await get(ids.profileId as string);
    if (res.status !== 200 || JSON.stringify(res.body.profile) !== JSON.stringify(response.body.profile))
      problems.push(`PATCH then GET answered ${res.status} with another profile`);
  } else if (operationId === 'deleteProfile' && response.status === 200) {
    const id = ids.profileId as string;
    const res = await get(id);
    if (res.status !== 404) problems.push(`DELETE then GET answered ${res.status}, not 404`);
    pool.splice(pool.indexOf(id), 1);
  } else if (operationId === 'activateProfile' && response.status === 200) {
    const res = await client.json('GET', '/api/llm/profiles');
    if (res.body?.activeProfileId !== ids.profileId) problems.push(`activate then list names ${String(res.body?.activeProfileId)} as active`);
  } else {
    return null;
  }
  return problems;
}

async function sendCase(harness: Harness, testCase: FuzzCase, stats: OperationFigures): Promise<void> {
  const { operationId } = testCase;
  const { request, ids } = toRequest(testCase, {
    pool: harness.pool,
    token: harness.server.token,
    nextNumber: () => (harness.counter += 1),
  });
  let response: ProofResponse;
  try {
    response = await harness.client.send(request);
  } catch (error) {
    fail(operationId, request, undefined, [`no response: ${(error as Error).message}`]);
  }
  stats.statuses[response.status] = (stats.statuses[response.status] ?? 0) + 1;
  const problems = responseProblems(operationId, request, response);
  for (const secret of sentSecrets(request)) if (response.text.includes(secret)) problems.push('the response carries the API key that was sent');

  if (testCase.valid) {
    // A generator slip would hide behind "valid input may get a 400": every valid case is checked to be one.
    const violations = schemaViolations(testCase);
    if (violations.length > 0) fail(operationId, request, response, [`the generator drew an invalid "valid" case: ${violations.join('; ')}`]);
    stats.valid += 1;
    const ok = response.status >= 200 && response.status < 300;
    if (ok) stats.validAccepted += 1;
    else if (response.status < 400 || response.status >= 500 || NOT_FOR_VALID_INPUT.has(response.status)) {
      problems.push(`valid input answered ${response.status}`);
    }
    if (problems.length === 0 && ok) {
      const more = await followUp(harness, operationId, ids, response);
      if (more !== null) stats.followUps += 1;
      problems.push(...(more ?? []));
    }
    if (problems.length === 0 && stats.valid % NO_TOKEN_EVERY === 0) problems.push(...(await probeWithoutToken(harness, testCase, stats)));
  } else {
    stats.invalid += 1;
    stats.invalidByKind[testCase.kind] = (stats.invalidByKind[testCase.kind] ?? 0) + 1;
    const expected = testCase.kind === 'wrongContentType' ? 415 : 400;
    if (response.status !== expected) problems.push(`invalid input (${testCase.kind} at ${testCase.target}) answered ${response.status}, not ${expected}`);
    else if (response.body?.code !== (expected === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_ERROR'))
      problems.push(`invalid input answered code ${String(response.body?.code)}`);
  }
  if (problems.length > 0) fail(operationId, request, response, problems);
}

/** The same valid request without a token, and with a wrong one: 401 with WWW-Authenticate (health needs none). */
async function probeWithoutToken(harness: Harness, testCase: FuzzCase, stats: OperationFigures): Promise<string[]> {
  const problems: string[] = [];
  const secured = testCase.operationId !== 'getHealth';
  for (const token of [null, `${harness.server.token}x`]) {
    const { request } = toRequest({ ...testCase, uniqueName: true }, { pool: harness.pool, token, nextNumber: () => (harness.counter += 1) });
    const response = await harness.client.send(request);
    stats.noTokenProbes += 1;
    problems.push(...responseProblems(testCase.operationId, request, response).map((p) => `${token === null ? 'no token' : 'wrong token'}: ${p}`));
    if (secured) {
      if (response.status !== 401) problems.push(`${token === null ? 'no token' : 'wrong token'}: answered ${response.status}, not 401`);
      if (!/^Bearer/i.test(String(response.headers['www-authenticate']))) problems.push('401 without WWW-Authenticate: Bearer');
    } else if (response.status === 401) {
      problems.push('getHealth asked for a token');
    }
    if (problems.length > 0) fail(testCase.operationId, request, response, problems);
  }
  return problems;
}

function quietLogger(): Logger {
  return pino(
    { level: 'warn' },
    new Writable({
      write(chunk, _encoding, callback) {
        serverLogs.push(String(chunk));
        callback();
      },
    }),
  );
}

const operationIds = operations.map((op) => op.operationId);

describe.each(operationIds)('%s', (operationId) => {
  let harness: Harness;
  let ports: number[];
  const stats = fresh();
  figures[operationId] = stats;

  beforeAll(async () => {
    ports = await closedPorts(3);
    const server = await startTestServer({
      rateLimits: { test: { limit: 1_000_000, windowMs: 60_000 }, discover: { limit: 1_000_000, windowMs: 60_000 } },
      discovery: { ports: [] },
      promptTest: { lookup: offlineLookup },
      logger: quietLogger(),
    });
    harness = { server, client: new ProofClient(server.service.port, server.token), pool: [], counter: 0 };
    await seedPool(harness, ports);
  });

  afterAll(async () => {
    harness?.client.close();
    await harness?.server.close();
  });

  const keepPoolStocked = async () => {
    if (harness.pool.length < 3) await seedPool(harness, ports);
  };

  test(
    `${VALID_RUNS} valid requests: accepted or a documented 4xx, contract-valid, with follow-ups and token probes`,
    async () => {
      const t0 = Date.now();
      await fc.assert(
        fc.asyncProperty(validCases(operationId, { closedPorts: ports }), async (testCase) => {
          await keepPoolStocked();
          await sendCase(harness, testCase, stats);
        }),
        { seed: seedFor(`${operationId}:valid`), numRuns: VALID_RUNS, endOnFailure: true },
      );
      stats.ms += Date.now() - t0;
      expect(stats.valid).toBe(VALID_RUNS);
      // The generator is biased so that valid input really gets through some of the time.
      expect(stats.validAccepted).toBeGreaterThanOrEqual(Math.ceil(VALID_RUNS * 0.1));
    },
    TIMEOUT_MS,
  );

  test(
    `${INVALID_RUNS} invalid requests: each refused with 400 (415 for a wrong content type), contract-valid`,
    async () => {
      const t0 = Date.now();
      await fc.assert(
        fc.asyncProperty(invalidCases(operationId, { closedPorts: ports }), async (testCase) => {
          await keepPoolStocked();
          await sendCase(harness, testCase, stats);
        }),
        { seed: seedFor(`${operationId}:invalid`), numRuns: INVALID_RUNS, endOnFailure: true },
      );
      stats.ms += Date.now() - t0;
      expect(stats.invalid).toBe(INVALID_RUNS);
    },
    TIMEOUT_MS,
  );
});

describe('methods the contract does not list', () => {
  let server: TestServer;
  let client: ProofClient;
  const probes: { path: string; method: string; status: number }[] = [];

  beforeAll(async () => {
    server = await startTestServer({ logger: quietLogger() });
    client = new ProofClient(server.service.port, server.token);
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  test('answer 405 METHOD_NOT_ALLOWED with an Allow header naming exactly the documented methods', async () => {
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    for (const [route, item] of Object.entries(spec.paths as Record<string, Record<string, unknown>>)) {
      const documented = methods.filter((m) => m.toLowerCase() in item);
      const path = route.replace(/\{[^}]+\}/g, '3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90');
      for (const method of methods.filter((m) => !documented.includes(m))) {
        const request: ProofRequest = {
          method,
          path,
          headers: { ...client.auth, ...(method === 'GET' || method === 'DELETE' ? {} : { 'Content-Type': 'application/json' }) },
          ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
        };
        const response = await client.send(request);
        probes.push({ path: route, method, status: response.status });
        const problems: string[] = [];
        if (response.status !== 405) problems.push(`answered ${response.status}, not 405`);
        const allow = String(response.headers.allow ?? '')
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean);
        if ([...allow].sort().join() !== [...documented].sort().join()) problems.push(`Allow is "${String(response.headers.allow)}", documented: ${documented.join(', ')}`);
        if (!String(response.headers['content-type']).startsWith('application/problem+json')) problems.push(`content type ${String(response.headers['content-type'])}`);
        problems.push(...schemaProblems('Problem', response.body));
        if (response.body?.code !== 'METHOD_NOT_ALLOWED') problems.push(`code ${String(response.body?.code)}`);
        if (problems.length > 0) fail(`${method} ${route}`, request, response, problems);
      }
    }
    expect(probes.length).toBeGreaterThanOrEqual(10);
    expect(probes.every((p) => p.status === 405)).toBe(true);
    figures['(undocumented methods)'] = { ...fresh(), invalid: probes.length, statuses: { 405: probes.length } };
  });
});

afterAll(async () => {
  const perOperation = Object.fromEntries(
    Object.entries(figures).map(([op, f]) => [
      op,
      {
        valid: f.valid,
        validAccepted: f.validAccepted,
        invalid: f.invalid,
        followUps: f.followUps,
        noTokenProbes: f.noTokenProbes,
        invalidByKind: f.invalidByKind,
        statuses: f.statuses,
        ms: f.ms,
      },
    ]),
  );
  const fuzzed = Object.values(figures).filter((f) => f.valid > 0);
  await reportFigures('contract-fuzz', {
    operations: fuzzed.length,
    minValidPerOperation: Math.min(...fuzzed.map((f) => f.valid)),
    minInvalidPerOperation: Math.min(...fuzzed.map((f) => f.invalid)),
    requests: Object.values(figures).reduce((n, f) => n + f.valid + f.invalid + f.followUps + f.noTokenProbes, 0),
    failures,
    durationMs: Date.now() - started,
    perOperation,
  });
});
