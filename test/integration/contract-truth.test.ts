/**
 * The contract tells the whole truth to the tools that read it (fuzzers, generators, browsers):
 * every rule a schema can state is in the schema and the running service answers as the schema
 * says, with the service's own words for the learner.
 */
import { readFileSync } from 'node:fs';
import { load as parse } from 'js-yaml';
import { findSpecPath } from '../../src/http/contract.js';
import { translate } from '../../src/i18n/index.js';
import { anthropic, azure, CONSENT, lanCustom, localLlama, localOllama } from '../support/builders.js';
import { expectContract, resolveRef, schemaProblems, spec } from '../support/contract.js';
import { startTestServer, type TestServer } from '../support/server.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let server: TestServer;

/** A schema's own properties and those of its allOf members (the fields of ProfileInput and the responses sit there). */
function propertiesOf(name: string): Json {
  const schema = spec.components.schemas[name] as Json;
  return Object.assign({}, schema.properties, ...((schema.allOf ?? []) as Json[]).map((part) => resolveRef(part).properties ?? {}));
}

beforeAll(async () => {
  server = await startTestServer({ rateLimits: { test: { limit: 1000, windowMs: 60_000 }, discover: { limit: 1000, windowMs: 60_000 } } });
});

afterAll(async () => {
  await server.close();
});

async function create(profile: Json, locale = 'en') {
  return server.http.post('/api/llm/profiles').set(server.auth).set('Accept-Language', locale).send({ profile });
}

function messagesAt(body: Json, pointer: string): string[] {
  return ((body.errors ?? []) as { pointer: string; message: string }[]).filter((e) => e.pointer === pointer).map((e) => e.message);
}

describe('the profile rules are in the schema, and the service still says them in its own words', () => {
  const cases: { why: string; profile: Json; pointer: string; message: (locale: 'en' | 'es') => string }[] = [
    {
      why: 'Azure without a deployment name',
      profile: azure({ modelId: null }),
      pointer: '/body/profile/modelId',
      message: (l) => translate(l, 'rule.modelId.requiredAzure'),
    },
    {
      why: 'Azure without a key',
      profile: azure({ apiKey: undefined }),
      pointer: '/body/profile/apiKey',
      message: (l) => translate(l, 'rule.apiKey.required', { provider: translate(l, 'provider.azure') }),
    },
    {
      why: 'Azure on a host that is not an Azure resource',
      profile: azure({ endpointUrl: 'https://my-tutor.example.com' }),
      pointer: '/body/profile/endpointUrl',
      message: (l) => translate(l, 'rule.endpoint.azureHost'),
    },
    {
      why: 'Anthropic without a key',
      profile: anthropic({ apiKey: undefined }),
      pointer: '/body/profile/apiKey',
      message: (l) => translate(l, 'rule.apiKey.required', { provider: translate(l, 'provider.anthropic') }),
    },
    {
      why: 'an OpenAI-compatible service on the internet without a key',
      profile: { name: 'Remote', providerType: 'custom', endpointUrl: 'https://api.example.com/v1', consentTimestamp: CONSENT },
      pointer: '/body/profile/apiKey',
      message: (l) => translate(l, 'rule.apiKey.required', { provider: translate(l, 'provider.custom') }),
    },
    {
      why: 'an endpoint off this computer without consent',
      profile: lanCustom({ consentTimestamp: null }),
      pointer: '/body/profile/consentTimestamp',
      message: (l) => translate(l, 'rule.consent.required'),
    },
  ];

  test.each(cases)('$why: the schema refuses it', ({ profile }) => {
    expect(schemaProblems('CreateProfileRequest', { profile: JSON.parse(JSON.stringify(profile)) })).not.toEqual([]);
  });

  test.each(cases)('$why: 400 naming the field with the rule, in English and Spanish', async ({ profile, pointer, message }) => {
    for (const locale of ['en', 'es'] as const) {
      const res = await create(profile, locale);
      expect(res.status).toBe(400);
      expectContract('createProfile', res);
      expect(messagesAt(res.body, pointer)).toEqual([message(locale)]);
      // ajv's own words ("must match then schema") never reach the learner.
      expect(JSON.stringify(res.body.errors)).not.toMatch(/then|anyOf|schema/);
    }
  });

  test('what the rules allow, the schema allows and the service saves', async () => {
    const allowed: Json[] = [
      localLlama({ name: 'Loopback, no consent' }),
      azure({ name: 'Azure on loopback', endpointUrl: 'http://127.0.0.1:9/azure', consentTimestamp: null }),
      azure({ name: 'Azure upper case', endpointUrl: 'https://MY-TUTOR.OPENAI.AZURE.COM' }),
      lanCustom({ name: 'LAN custom, no key' }),
      { name: 'Ollama on localhost', providerType: 'ollama', endpointUrl: 'http://localhost:11434' },
    ];
    for (const profile of allowed) {
      expect(schemaProblems('CreateProfileRequest', { profile: JSON.parse(JSON.stringify(profile)) })).toEqual([]);
      const res = await create(profile);
      expect(res.status).toBe(201);
    }
  });

  test("the rules the schema cannot state are listed in the operations' descriptions with their codes", () => {
    const create = spec.paths['/api/llm/profiles'].post.description as string;
    const update = spec.paths['/api/llm/profiles/{profileId}'].patch.description as string;
    for (const text of [create, update]) expect(text).toMatch(/VALIDATION_ERROR/);
    expect(update).toMatch(/rule\.apiKey\.mustResend|sent again/);
    expect(create).toMatch(/DUPLICATE_PROFILE_NAME/);
  });
});

describe('providerTypes in every common form', () => {
  beforeAll(async () => {
    expect((await create(localOllama({ name: 'Filter ollama' }))).status).toBe(201);
    expect((await create(localLlama({ name: 'Filter llama' }))).status).toBe(201);
  });

  async function list(query: string) {
    const res = await server.http.get(`/api/llm/profiles?${query}`).set(server.auth);
    return res;
  }

  test('an empty value means no filter', async () => {
    const all = await list('');
    const empty = await list('providerTypes=');
    expect(empty.status).toBe(200);
    expectContract('listProfiles', empty);
    expect(empty.body.profiles.length).toBe(all.body.profiles.length);
  });

  test('comma-separated, repeated and bracketed (axios) forms give the same answer', async () => {
    const forms = [
      'providerTypes=ollama,llama.cpp',
      'providerTypes=ollama&providerTypes=llama.cpp',
      'providerTypes[]=ollama&providerTypes[]=llama.cpp',
      'providerTypes%5B%5D=ollama&providerTypes%5B%5D=llama.cpp',
    ];
    const answers = await Promise.all(forms.map(list));
    expect(answers.map((res, i) => [forms[i], res.status])).toEqual(forms.map((form) => [form, 200]));
    for (const res of answers) {
      const types = new Set((res.body.profiles as Json[]).map((p) => p.providerType));
      expect([...types].sort()).toEqual(['llama.cpp', 'ollama']);
      expect(res.body.profiles.length).toBe(answers[0]?.body.profiles.length);
    }
  });

  test('a wrong item names the list and its position, not the index as a field', async () => {
    const en = await server.http.get('/api/llm/profiles?providerTypes=ollama,bogus').set(server.auth);
    expect(en.status).toBe(400);
    expect(en.body.errors[0].pointer).toBe('/query/providerTypes/1');
    expect(en.body.errors[0].message).toContain('providerTypes (item 2)');
    expect(en.body.errors[0].message).not.toMatch(/The \d+ field/);
    const es = await server.http.get('/api/llm/profiles?providerTypes=bogus').set(server.auth).set('Accept-Language', 'es');
    expect(es.body.errors[0].message).toContain('providerTypes (elemento 1)');
    expect(es.body.errors[0].message).not.toMatch(/El campo \d+ /);
  });
});

describe('DiscoveryHost: one definition', () => {
  const pattern = new RegExp(spec.components.schemas.DiscoveryHost.pattern as string, 'u');

  async function discover(host: string) {
    return server.http
      .post('/api/llm/profiles/discover')
      .set(server.auth)
      .send({ scope: { strategy: 'remote', hosts: [host], timeoutMs: 500, force: true } });
  }

  test('the pattern and the service agree on every sample, and the service says what a host looks like', async () => {
    const samples = ['[:]', ':', '...', '[c]', 'http://gpu-box:8080', 'gpu-box:8080', 'a..b', '-a', '127.0.0.1', '::1', '[::1]', 'localhost', 'localhost.', '[::ffff:127.0.0.1]'];
    const answers: { host: string; res: Awaited<ReturnType<typeof discover>> }[] = [];
    for (const host of samples) answers.push({ host, res: await discover(host) });
    // Every disagreement at once: which side refuses what.
    const disagreements = answers
      .filter(({ host, res }) => (res.status === 400) !== !pattern.test(host))
      .map(({ host, res }) => `${host}: the service answers ${res.status}, the pattern ${pattern.test(host) ? 'accepts' : 'refuses'}`);
    expect(disagreements).toEqual([]);
    for (const { host, res } of answers) {
      if (res.status === 400) {
        expect(res.body.errors).toEqual([{ pointer: '/body/scope/hosts/0', message: translate('en', 'rule.discovery.hostInvalid', { host }) }]);
      } else {
        expect(res.status).toBe(200);
      }
    }
  });

  test("the hosts the fuzzer found ('[:]', ':', '...', '[c]') are refused by the pattern and by the service", async () => {
    const found = ['[:]', ':', '...', '[c]'];
    const answers: [string, number, string][] = [];
    for (const host of found) answers.push([host, (await discover(host)).status, pattern.test(host) ? 'pattern accepts' : 'pattern refuses']);
    expect(answers).toEqual(found.map((host) => [host, 400, 'pattern refuses']));
  });
});

describe('nullable scalars keep their keywords', () => {
  test('changes.apiKey is write-only, and every nullable field is a type list, not a oneOf with null', () => {
    const changes = propertiesOf('ProfileChanges');
    expect(changes.apiKey.writeOnly).toBe(true);
    expect(changes.apiKey.type).toEqual(['string', 'null']);
    const offenders: string[] = [];
    for (const name of ['ProfileInput', 'ProfileChanges', 'Profile']) {
      for (const [field, schema] of Object.entries(propertiesOf(name))) {
        const oneOf = (schema as Json).oneOf as Json[] | undefined;
        if (oneOf?.some((s) => s.type === 'null')) offenders.push(`${name}.${field}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  test("consentTimestamp's explanation is where Redoc shows it: on the schema it uses, with no competing sibling", () => {
    for (const name of ['ProfileInput', 'ProfileChanges', 'Profile']) {
      const property = propertiesOf(name).consentTimestamp as Json;
      expect(property.description).toBeUndefined();
      expect(resolveRef(property).description).toMatch(/agreed that prompts may leave this computer/);
      expect(resolveRef(property).format).toBe('date-time');
    }
  });
});

describe('limits stated and kept', () => {
  test('a very long path answers a problem whose instance fits its own maxLength', async () => {
    const max = propertiesOf('Problem').instance.maxLength as number;
    const res = await server.http.get(`/api/llm/profiles/${'a'.repeat(max * 3)}`).set(server.auth);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.instance.length).toBeLessThanOrEqual(max);
    expect(schemaProblems('Problem', res.body)).toEqual([]);
  });

  test('response arrays have maxItems', () => {
    expect(propertiesOf('ProfileListResponse').profiles.maxItems).toEqual(expect.any(Number));
    expect(propertiesOf('DiagnosticsResponse').entries.maxItems).toEqual(expect.any(Number));
    expect(propertiesOf('DiscoverProvidersResponse').providers.maxItems).toEqual(expect.any(Number));
  });

  test('request headers have maxLength', () => {
    for (const name of ['AcceptLanguage', 'XRequestId']) expect([name, spec.components.parameters[name].schema.maxLength]).toEqual([name, expect.any(Number)]);
  });

  test('integers have a format', () => {
    const unformatted: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((child, i) => walk(child, `${at}/${i}`));
      if (node === null || typeof node !== 'object') return;
      const schema = node as Json;
      if (schema.type === 'integer' && !['int32', 'int64'].includes(schema.format)) unformatted.push(at);
      for (const [key, child] of Object.entries(schema)) walk(child, `${at}/${key}`);
    };
    walk(spec, '#');
    expect(unformatted).toEqual([]);
  });

  test('an over-long request header is a 400 naming it', async () => {
    const max = spec.components.parameters.XRequestId.schema.maxLength as number;
    const res = await server.http
      .get('/api/llm/profiles')
      .set(server.auth)
      .set('X-Request-Id', 'x'.repeat(max + 1));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe('/headers/x-request-id');
  });

  test('every object schema closes itself, so examples with unknown fields fail lint', () => {
    const open: string[] = [];
    for (const [name, schema] of Object.entries(spec.components.schemas as Record<string, Json>)) {
      if (schema.type !== 'object') continue;
      if (schema.additionalProperties === false || schema.unevaluatedProperties === false) continue;
      // ResponseMeta is only ever taken into a response's allOf, which closes the whole.
      if (name === 'ResponseMeta') continue;
      open.push(name);
    }
    expect(open).toEqual([]);
  });
});

describe('the served contract and browsers', () => {
  test('/openapi.json and /openapi.yaml name the address actually listened on; the file keeps its default', async () => {
    const json = (await server.http.get('/openapi.json')).body as Json;
    expect(json.servers[0].url).toBe(server.url);
    const yaml = parse((await server.http.get('/openapi.yaml')).text) as Json;
    expect(yaml.servers[0].url).toBe(server.url);
    expect(yaml.paths).toEqual(json.paths);
    const onDisk = parse(readFileSync(findSpecPath(), 'utf8')) as Json;
    expect(onDisk.servers[0].url).toBe('http://127.0.0.1:4319');
  });

  test('an allowed origin can read ETag, Location, X-Request-Id and Retry-After', async () => {
    const withOrigin = await startTestServer({ allowedOrigins: ['app://llm-tutor'] });
    try {
      const res = await withOrigin.http.post('/api/llm/profiles').set(withOrigin.auth).set('Origin', 'app://llm-tutor').send({ profile: localLlama() });
      expect(res.status).toBe(201);
      const exposed = String(res.headers['access-control-expose-headers'])
        .split(/,\s*/)
        .map((h) => h.toLowerCase());
      for (const header of ['etag', 'location', 'x-request-id', 'retry-after']) expect(exposed).toContain(header);
    } finally {
      await withOrigin.close();
    }
  });

  test("a same-origin POST from the service's own /docs page is not refused; a foreign one still is", async () => {
    const own = await server.http
      .post('/api/llm/profiles')
      .set(server.auth)
      .set('Origin', server.url)
      .send({ profile: localLlama({ name: 'From the docs page' }) });
    expect(own.status).toBe(201);
    const otherPort = new URL(server.url);
    otherPort.port = String(Number(otherPort.port) === 65535 ? 1 : Number(otherPort.port) + 1);
    const foreign = await server.http
      .post('/api/llm/profiles')
      .set(server.auth)
      .set('Origin', otherPort.origin)
      .send({ profile: localLlama({ name: 'From elsewhere' }) });
    expect(foreign.status).toBe(403);
  });
});
