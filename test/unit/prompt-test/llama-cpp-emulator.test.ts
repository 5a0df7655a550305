/**
 * The llama.cpp emulator answers the way a real llama-server (b4748) did on loopback; the
 * adapter and discovery tests lean on these answers, so they are pinned here over HTTP.
 */
import { startEmulator, type Emulator, type LlamaCppScenario } from '../../support/emulators/providers/index.js';

const KEY = 'sk-llama-emulator-key';

async function get(emulator: Emulator<LlamaCppScenario>, path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${emulator.url}${path}`, { ...init, headers: { 'user-agent': 'fidelity-test', ...init.headers } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('the llama.cpp emulator, like the real server', () => {
  let keyed: Emulator<LlamaCppScenario>;
  beforeEach(async () => {
    keyed = await startEmulator('llama.cpp', { apiKey: KEY });
  });
  afterEach(async () => {
    await keyed.close();
    expect(keyed.violations).toEqual([]);
  });

  it('keeps /, /health, /v1/health, /models and /v1/models public under --api-key', async () => {
    for (const path of ['/health', '/v1/health', '/models', '/v1/models']) {
      const res = await get(keyed, path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
    const page = await get(keyed, '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(JSON.parse((await get(keyed, '/v1/models')).text)).toMatchObject({ object: 'list', data: [{ id: '/models/qwen2.5-7b-instruct-q4_k_m.gguf', owned_by: 'llamacpp' }] });
  });

  it('answers /props and unknown paths 401 "Invalid API Key" without WWW-Authenticate, and 404 once the key is right', async () => {
    for (const path of ['/props', '/no-such-path']) {
      const res = await get(keyed, path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(JSON.parse(res.text)).toEqual({ error: { code: 401, message: 'Invalid API Key', type: 'authentication_error' } });
    }
    const props = await get(keyed, '/props', { headers: { 'x-api-key': KEY } });
    expect(JSON.parse(props.text)).toMatchObject({ model_path: '/models/qwen2.5-7b-instruct-q4_k_m.gguf', total_slots: 1 });
    const unknown = await get(keyed, '/no-such-path', { headers: { authorization: `Bearer ${KEY}` } });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toEqual({ error: { code: 404, message: 'File Not Found', type: 'not_found_error' } });
  });

  it('answers 503 "Loading model" on every path, before the key check, while loading', async () => {
    keyed.setScenario({ name: 'loading' });
    for (const path of ['/', '/health', '/v1/models', '/props', '/v1/chat/completions']) {
      const res = await get(keyed, path, path.includes('chat') ? { method: 'POST', body: '{}' } : {});
      expect({ path, status: res.status, body: JSON.parse(res.text) as unknown }).toEqual({
        path,
        status: 503,
        body: { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } },
      });
    }
  });

  it('sends Server: llama.cpp on every answer, errors included', async () => {
    const answers = [await get(keyed, '/health'), await get(keyed, '/props'), await get(keyed, '/nope', { headers: { 'x-api-key': KEY } })];
    expect(answers.map((a) => a.headers.get('server'))).toEqual(['llama.cpp', 'llama.cpp', 'llama.cpp']);
  });

  it('answers a body that is not JSON with 500, and echoes whatever model a request names', async () => {
    const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const bad = await get(keyed, '/v1/chat/completions', { method: 'POST', headers: auth, body: '{not json' });
    expect(bad.status).toBe(500);
    expect(JSON.parse(bad.text)).toMatchObject({ error: { code: 500, type: 'server_error' } });
    const messages = [{ role: 'user', content: 'hi' }];
    const named = await get(keyed, '/v1/chat/completions', { method: 'POST', headers: auth, body: JSON.stringify({ model: 'made-up', messages }) });
    expect(JSON.parse(named.text)).toMatchObject({ model: 'made-up' });
    const unnamed = await get(keyed, '/v1/chat/completions', { method: 'POST', headers: auth, body: JSON.stringify({ messages }) });
    expect(JSON.parse(unnamed.text)).toMatchObject({ model: 'gpt-3.5-turbo' });
  });
});
