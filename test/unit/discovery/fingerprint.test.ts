import { identify, type ProbeAnswers } from '../../../src/discovery/fingerprint.js';
import type { ProbeResponse } from '../../../src/discovery/probe.js';

describe('identify, from answers as servers give them', () => {
  const response = (status: number, body: unknown): ProbeResponse => ({
    status,
    contentType: 'application/json',
    server: '',
    body: JSON.stringify(body),
    json: body,
    truncated: false,
  });
  const notFound = response(404, { detail: 'Not Found' });
  const janAnswers: ProbeAnswers = {
    models: response(401, { error: { message: 'Missing or invalid API key.' } }),
    bogus: notFound,
    root: notFound,
    ollamaVersion: notFound,
    tags: notFound,
    kobold: notFound,
    lmstudio: notFound,
    health: notFound,
    props: notFound,
    version: notFound,
    localai: notFound,
    textgen: notFound,
  };

  test("a 401 on /v1/models on Jan's port is Jan, needing a key", () => {
    expect(identify(janAnswers, 1337)).toMatchObject({ kind: 'jan', status: 'auth-required', models: null });
  });

  test('the same 401 elsewhere is a keyed OpenAI-compatible server; an HTML 401 page is no model server', () => {
    expect(identify(janAnswers, 4000)).toMatchObject({ kind: 'openai-compatible', status: 'auth-required' });
    const htmlLogin: ProbeResponse = { status: 401, contentType: 'text/html', server: '', body: '<html>Log in</html>', json: undefined, truncated: false };
    expect(identify({ ...janAnswers, models: htmlLogin }, 1337)).toBeNull();
  });

  test('the port alone never names a server', () => {
    expect(identify({ ...janAnswers, models: notFound }, 11434)).toBeNull();
  });

  test('LM Studio with nothing loaded says so; its 200-for-unknown-paths quirk alone still names it', () => {
    const v0 = response(200, {
      object: 'list',
      data: [
        { id: 'qwen2.5-7b-instruct', type: 'llm', state: 'not-loaded' },
        { id: 'nomic-embed', type: 'embeddings', state: 'not-loaded' },
      ],
    });
    const quirk = response(200, { error: 'Unexpected endpoint or method. (GET /llm-profiles-discovery-0a1b)' });
    const models = response(200, { object: 'list', data: [{ id: 'qwen2.5-7b-instruct', object: 'model', owned_by: 'organization_owner' }] });
    expect(identify({ ...janAnswers, models, lmstudio: v0, bogus: quirk }, 1234)).toEqual({
      kind: 'lmstudio',
      decisive: true,
      status: 'available',
      models: ['qwen2.5-7b-instruct'],
      version: null,
      notes: ['noModelLoaded'],
    });
    expect(identify({ ...janAnswers, models, lmstudio: quirk, bogus: quirk }, 1234)).toMatchObject({ kind: 'lmstudio', models: ['qwen2.5-7b-instruct'], notes: [] });
  });

  test('a model name too long to report is left out, not cut', () => {
    const models = response(200, { object: 'list', data: [{ id: 'x'.repeat(257) }, { id: 'ok' }] });
    expect(identify({ ...janAnswers, models }, 4000)).toMatchObject({ kind: 'openai-compatible', models: ['ok'] });
  });
});
