/**
 * When an OpenAI-compatible list proves the key. The HTTP tests can only reach loopback
 * emulators (where a key is never taken as proved), so the internet cases are checked here,
 * with an exchange that answers as the services do: 200 and a list.
 */
import { openAiCompatibleLister } from '../../../src/providers/models/openai-compatible.js';
import type { Exchange, OutboundRequest } from '../../../src/providers/types.js';

function listingExchange(sent: OutboundRequest[]): Exchange {
  return async (request) => {
    sent.push(request);
    const json = { object: 'list', data: [{ id: 'gpt-4o', object: 'model' }] };
    return { kind: 'reply', status: 200, headers: {}, body: JSON.stringify(json), json };
  };
}

async function keyChecked(endpointUrl: string, apiKey: string | null, local: boolean): Promise<{ keyChecked: boolean; paths: string[] }> {
  const sent: OutboundRequest[] = [];
  const result = await openAiCompatibleLister.list({ endpointUrl, apiKey, local }, listingExchange(sent), 2000);
  if (result.kind !== 'listing') throw new Error(`expected a listing, got ${result.kind}`);
  return { keyChecked: result.keyChecked, paths: sent.map((r) => r.url.pathname) };
}

test('a service on the internet that lists only with a valid key proves it', async () => {
  expect(await keyChecked('https://api.openai.com/v1', 'sk-x', false)).toEqual({ keyChecked: true, paths: ['/v1/models'] });
  expect(await keyChecked('https://api.together.xyz/v1', 'k', false)).toMatchObject({ keyChecked: true });
});

test("OpenRouter's public list, a list without a key, and local servers prove nothing", async () => {
  expect(await keyChecked('https://openrouter.ai/api/v1', 'sk-or-x', false)).toEqual({ keyChecked: false, paths: ['/api/v1/models'] });
  expect(await keyChecked('https://api.openai.com/v1', null, false)).toMatchObject({ keyChecked: false });
  // Local: LM Studio's native list is asked first; this server has none that says `state`, so /v1/models follows.
  expect(await keyChecked('http://192.168.1.20:8000/v1', 'k', true)).toEqual({ keyChecked: false, paths: ['/api/v0/models', '/v1/models'] });
});
