/**
 * The no-secrets canary: drive every operation and failure path with a canary API key, token
 * and prompt, then scan every file under the data dir, every diagnostics line, all log output
 * and every response for the raw, base64 and URL-encoded canaries.
 */
import { chmod, readFile } from 'node:fs/promises';
import { startEmulator } from '../support/emulators/providers/index.js';
import { startFingerprintEmulator } from '../support/emulators/fingerprints/index.js';
import { localLlama } from '../support/builders.js';
import { filesUnder, startTestServer } from '../support/server.js';

const CANARY_TOKEN = 'tok-CANARY-4e1b8d2c9f7a-token-value-000';
const CANARY_KEY = 'key-CANARY-7c3d1e9a5b2f-api-key-value';
const CANARY_PROMPT = 'prompt-CANARY-2a8f6e4d: what is two plus two?';

function variants(secret: string): string[] {
  return [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), encodeURIComponent(secret), Buffer.from(secret).toString('hex')];
}

test('no canary key, token or prompt anywhere after every operation and failure path', async () => {
  const unauthorized = await startEmulator('openai', { apiKey: CANARY_KEY, scenario: { name: 'unauthorized' } });
  const silent = await startEmulator('silent');
  const llama = await startEmulator('llama.cpp', { apiKey: CANARY_KEY });
  const ollamaPrint = await startFingerprintEmulator('ollama');
  const server = await startTestServer({ apiToken: CANARY_TOKEN, discovery: { ports: [ollamaPrint.port] } });
  const responses: string[] = [];
  const send = async (req: { set(h: Record<string, string>): { send(b?: object): Promise<{ text: string; headers: object; status: number; body: any }> } }, body?: object) => {
    const res = await req.set({ Authorization: `Bearer ${CANARY_TOKEN}` }).send(body);
    responses.push(res.text, JSON.stringify(res.headers));
    return res;
  };
  try {
    const keyed = (await send(server.http.post('/api/llm/profiles'), { profile: localLlama({ name: 'Keyed', endpointUrl: llama.url, apiKey: CANARY_KEY }) })).body.profile.id;
    const failing = (
      await send(server.http.post('/api/llm/profiles'), {
        profile: { name: 'Unauthorized', providerType: 'custom', endpointUrl: `${unauthorized.url}/v1`, apiKey: CANARY_KEY, modelId: 'm' },
      })
    ).body.profile.id;
    const slow = (await send(server.http.post('/api/llm/profiles'), { profile: { name: 'Slow', providerType: 'llama.cpp', endpointUrl: silent.url, apiKey: CANARY_KEY } })).body
      .profile.id;

    await send(server.http.get('/api/llm/profiles?includeDiagnostics=true'));
    await send(server.http.get(`/api/llm/profiles/${keyed}`));
    await send(server.http.patch(`/api/llm/profiles/${keyed}`), { changes: { apiKey: CANARY_KEY, modelId: 'm2' } });
    expect((await send(server.http.post(`/api/llm/profiles/${keyed}/test`), { promptOverride: CANARY_PROMPT })).body.success).toBe(true);
    expect((await send(server.http.post(`/api/llm/profiles/${failing}/test`), { promptOverride: CANARY_PROMPT })).body.errorCode).toBe('PROVIDER_UNAUTHORIZED');
    expect((await send(server.http.post(`/api/llm/profiles/${slow}/test`), { promptOverride: CANARY_PROMPT, timeoutMs: 1000 })).body.errorCode).toBe('TIMEOUT');
    expect(
      (
        await send(server.http.post('/api/llm/profiles/test'), {
          profile: { name: 'Draft', providerType: 'llama.cpp', endpointUrl: llama.url, apiKey: CANARY_KEY },
          promptOverride: CANARY_PROMPT,
        })
      ).status,
    ).toBe(200);
    expect((await send(server.http.get(`/api/llm/profiles/${failing}/models`))).body.success).toBe(true);
    expect(
      (
        await send(server.http.post('/api/llm/profiles/models'), {
          profile: { name: 'Draft list', providerType: 'custom', endpointUrl: `${unauthorized.url}/v1`, apiKey: CANARY_KEY },
        })
      ).body.success,
    ).toBe(true);
    // validation failures that carry the key and prompt in the bad request
    expect(
      (
        await send(server.http.post('/api/llm/profiles'), {
          profile: { name: 'Bad', providerType: 'custom', endpointUrl: `http://example.com/?key=${CANARY_KEY}`, apiKey: CANARY_KEY },
        })
      ).status,
    ).toBe(400);
    expect((await send(server.http.post('/api/llm/profiles'), { profile: { ...localLlama(), apiKey: `${CANARY_KEY} has spaces` } })).status).toBe(400);
    expect((await send(server.http.post(`/api/llm/profiles/${keyed}/test`), { promptOverride: CANARY_PROMPT, extra: CANARY_KEY })).status).toBe(400);
    expect((await send(server.http.post('/api/llm/profiles'), { profile: localLlama({ name: 'Keyed', apiKey: CANARY_KEY }) })).status).toBe(409);
    expect((await send(server.http.get('/api/llm/profiles/3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90'))).status).toBe(404);
    expect((await send(server.http.post('/api/llm/profiles/discover'), { scope: { strategy: 'local', force: true } })).status).toBe(200);
    await send(server.http.post(`/api/llm/profiles/${failing}/activate`));
    await chmod(server.service.paths.keyFile, 0o640);
    expect((await send(server.http.patch(`/api/llm/profiles/${keyed}`), { changes: { apiKey: CANARY_KEY } })).status).toBe(423);
    expect((await send(server.http.post(`/api/llm/profiles/${keyed}/test`), { promptOverride: CANARY_PROMPT })).status).toBe(423);
    await chmod(server.service.paths.keyFile, 0o600);
    await send(server.http.delete(`/api/llm/profiles/${slow}`));
    await send(server.http.get('/api/llm/diagnostics?limit=500'));
    await server.service.deps.diagnostics.flush();

    const files = await filesUnder(server.dataDir);
    expect(files.some((f) => f.endsWith('.jsonl'))).toBe(true);
    const diagnosticsLines = (await Promise.all(files.filter((f) => f.includes('diagnostics')).map((f) => readFile(f, 'utf8')))).join('\n').trim().split('\n');
    for (const line of diagnosticsLines) expect(JSON.parse(line).correlationId).toEqual(expect.any(String));
    const haystacks: [string, string][] = [
      ...(await Promise.all(files.map(async (f) => [f, (await readFile(f)).toString('latin1')] as [string, string]))),
      ['logs', server.logs.join('\n')],
      ['responses', responses.join('\n')],
    ];
    const hits: string[] = [];
    for (const secret of [CANARY_KEY, CANARY_TOKEN, CANARY_PROMPT]) {
      for (const variant of variants(secret)) for (const [where, text] of haystacks) if (text.includes(variant)) hits.push(`${where}: ${variant.slice(0, 20)}`);
    }
    expect(hits).toEqual([]);
  } finally {
    await server.close();
    await Promise.all([unauthorized.close(), silent.close(), llama.close(), ollamaPrint.close()]);
  }
});
