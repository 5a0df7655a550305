import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { PromptTestService } from '../../../src/prompt-test/prompt-test-service.js';
import { startSelfSignedServer } from '../../support/emulators/providers/tls.js';
import { eventually } from '../../support/eventually.js';
import { CANARY_KEY, CANARY_PROMPT, emulatorPool, expectContractShape, expectNoSecrets, target } from './support.js';

/** A resolver that answers from a fixed table, in both of dns.lookup's callback forms, and counts its calls. */
function fakeResolver(table: Record<string, string[] | NodeJS.ErrnoException>): { lookup: LookupFunction; calls: string[] } {
  const calls: string[] = [];
  const lookup: LookupFunction = (hostname: string, options: LookupOptions, callback) => {
    calls.push(hostname);
    const entry = table[hostname] ?? Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    setImmediate(() => {
      if (!Array.isArray(entry)) return callback(entry, options.all ? [] : '');
      const addresses: LookupAddress[] = entry.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]?.address ?? '', addresses[0]?.family);
    });
  };
  return { lookup, calls };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, elapsedMs: performance.now() - started };
}

describe('outbound limits of a test prompt', () => {
  const emulators = emulatorPool();
  const service = new PromptTestService();

  it('gives up on a server that never answers at the time limit, with TIMEOUT', async () => {
    const emulator = await emulators.start('silent');
    const { value: outcome, elapsedMs } = await timed(() =>
      service.run(target({ providerType: 'custom', endpointUrl: `${emulator.url}/v1`, modelId: 'm' }), { timeoutMs: 1000, locale: 'en' }),
    );
    expect(outcome).toMatchObject({ success: false, errorCode: 'TIMEOUT', retryable: true, providerStatus: null });
    expect(outcome.userMessage).toBe('The provider did not answer in time (waited 1 s).');
    // Not before the deadline; within ten times it (a loaded machine is slow, never that slow), so the deadline applied.
    expect(elapsedMs).toBeGreaterThanOrEqual(990);
    expect(elapsedMs).toBeLessThan(10_000);
    expect(emulator.requests).toHaveLength(1);
    expectContractShape(outcome);
  });

  it('cuts off a server that trickles one byte a second at the overall deadline', async () => {
    const emulator = await emulators.start('trickle', { scenario: { name: 'trickle', intervalMs: 200 } });
    const { value: outcome, elapsedMs } = await timed(() => service.run(target({ providerType: 'llama.cpp', endpointUrl: emulator.url }), { timeoutMs: 1500, locale: 'en' }));
    expect(outcome).toMatchObject({ success: false, errorCode: 'TIMEOUT', retryable: true, providerStatus: 200 });
    expect(elapsedMs).toBeLessThan(15_000);
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(1400);
    expectContractShape(outcome);
  });

  it('stops reading a 5 MB body at the size cap, with INVALID_RESPONSE', async () => {
    const emulator = await emulators.start('openai', { scenario: { name: 'huge-body', bytes: 5 * 1024 * 1024 } });
    const outcome = await service.run(target({ providerType: 'custom', endpointUrl: `${emulator.url}/v1`, modelId: 'm' }), { timeoutMs: 10_000, locale: 'en' });
    expect(outcome).toMatchObject({ success: false, errorCode: 'INVALID_RESPONSE', retryable: false, providerStatus: 200, responsePreview: null });
    expect(outcome.userMessage).toBe('The answer was larger than 1024 KB, so it was cut off and not read.');
    expectContractShape(outcome);
  });

  it('applies a configured size cap', async () => {
    const small = new PromptTestService({ maxResponseBytes: 1024 });
    const emulator = await emulators.start('openai', { scenario: { name: 'success', reply: 'y'.repeat(2000) } });
    const outcome = await small.run(target({ providerType: 'custom', endpointUrl: `${emulator.url}/v1`, modelId: 'm' }), { locale: 'es' });
    expect(outcome).toMatchObject({ errorCode: 'INVALID_RESPONSE', userMessage: 'La respuesta superaba los 1 KB, así que se cortó y no se leyó.' });
  });

  it('refuses a redirect: REDIRECT_REFUSED, and the target never hears from us', async () => {
    const elsewhere = await emulators.start('openai', { apiKey: CANARY_KEY });
    const emulator = await emulators.start('openai', { apiKey: CANARY_KEY, scenario: { name: 'redirect', location: `${elsewhere.url}/v1/chat/completions` } });
    const outcome = await service.run(target({ providerType: 'custom', endpointUrl: `${emulator.url}/v1`, modelId: 'm', apiKey: CANARY_KEY }), {
      prompt: CANARY_PROMPT,
      locale: 'en',
    });
    expect(outcome).toMatchObject({ success: false, errorCode: 'REDIRECT_REFUSED', retryable: false, providerStatus: 302 });
    expect(emulator.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
    expect(elsewhere.connections()).toBe(0);
    expectContractShape(outcome);
    expectNoSecrets(outcome);
  });

  it('refuses a name that resolves to the cloud metadata address before connecting: ADDRESS_NOT_ALLOWED', async () => {
    const resolver = fakeResolver({ 'metadata.example.test': ['169.254.169.254'] });
    const guarded = new PromptTestService({ lookup: resolver.lookup });
    const outcome = await guarded.run(target({ providerType: 'custom', endpointUrl: 'http://metadata.example.test/v1', modelId: 'm', savedAddressClass: 'public' }), {
      timeoutMs: 5000,
      locale: 'en',
    });
    expect(outcome).toMatchObject({ success: false, errorCode: 'ADDRESS_NOT_ALLOWED', retryable: false, providerStatus: null, timings: { connectMs: null, firstByteMs: null } });
    expect(outcome.userMessage).toBe('The address metadata.example.test leads to a network location this profile may not reach.');
    expect(resolver.calls).toEqual(['metadata.example.test']);
    expectContractShape(outcome);
  });

  it('refuses a public name that resolves to this computer, and no connection reaches the server there', async () => {
    const emulator = await emulators.start('openai');
    const resolver = fakeResolver({ 'rebind.example.test': ['127.0.0.1'] });
    const guarded = new PromptTestService({ lookup: resolver.lookup });
    const outcome = await guarded.run(
      target({ providerType: 'custom', endpointUrl: `http://rebind.example.test:${emulator.port}/v1`, modelId: 'm', savedAddressClass: 'public' }),
      { locale: 'en' },
    );
    expect(outcome.errorCode).toBe('ADDRESS_NOT_ALLOWED');
    expect(emulator.connections()).toBe(0);
  });

  it('keeps the message within the contract for the longest host names', async () => {
    const hostname = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.example.test`;
    const resolver = fakeResolver({ [hostname]: ['169.254.169.254'] });
    const guarded = new PromptTestService({ lookup: resolver.lookup });
    const outcome = await guarded.run(target({ providerType: 'custom', endpointUrl: `https://${hostname}/v1`, modelId: 'm', savedAddressClass: 'public' }), { locale: 'es' });
    expect(outcome.errorCode).toBe('ADDRESS_NOT_ALLOWED');
    expectContractShape(outcome);
  });

  it('refuses a name when any of its addresses is refused', async () => {
    const resolver = fakeResolver({ 'mixed.example.test': ['93.184.216.34', '10.0.0.5'] });
    const guarded = new PromptTestService({ lookup: resolver.lookup });
    const outcome = await guarded.run(target({ providerType: 'custom', endpointUrl: 'https://mixed.example.test/v1', modelId: 'm', savedAddressClass: 'public' }), {
      locale: 'en',
    });
    expect(outcome.errorCode).toBe('ADDRESS_NOT_ALLOWED');
  });

  it('refuses an address literal outside the saved class without connecting', async () => {
    const emulator = await emulators.start('openai');
    const outcome = await service.run(target({ providerType: 'custom', endpointUrl: `${emulator.url}/v1`, modelId: 'm', savedAddressClass: 'private' }), { locale: 'en' });
    expect(outcome.errorCode).toBe('ADDRESS_NOT_ALLOWED');
    expect(emulator.connections()).toBe(0);
  });

  it('still reaches loopback names for a profile saved as loopback', async () => {
    const emulator = await emulators.start('openai');
    const resolver = fakeResolver({ 'llm.localhost': ['127.0.0.1'] });
    const guarded = new PromptTestService({ lookup: resolver.lookup });
    const byName = await guarded.run(target({ providerType: 'custom', endpointUrl: `http://llm.localhost:${emulator.port}/v1`, modelId: 'm' }), { locale: 'en' });
    expect(byName).toMatchObject({ success: true, errorCode: null });
    expect(resolver.calls).toEqual(['llm.localhost']);

    const withSystemResolver = await service.run(target({ providerType: 'custom', endpointUrl: `http://localhost:${emulator.port}/v1`, modelId: 'm' }), { locale: 'en' });
    expect(withSystemResolver.success).toBe(true);
  });

  it('reports a name that does not resolve as DNS_ERROR, not retryable', async () => {
    const resolver = fakeResolver({});
    const guarded = new PromptTestService({ lookup: resolver.lookup });
    const outcome = await guarded.run(target({ providerType: 'anthropic', endpointUrl: 'https://api.anthropic.invalid', apiKey: CANARY_KEY, savedAddressClass: 'public' }), {
      locale: 'en',
    });
    expect(outcome).toMatchObject({ success: false, errorCode: 'DNS_ERROR', retryable: false, providerStatus: null });
    expect(outcome.userMessage).toBe('The address api.anthropic.invalid could not be found.');
    expectContractShape(outcome);
  });

  it('reports an untrusted certificate as TLS_ERROR, before anything is sent', async () => {
    const server = await startSelfSignedServer();
    try {
      const outcome = await service.run(target({ providerType: 'custom', endpointUrl: `${server.url}/v1`, modelId: 'm', apiKey: CANARY_KEY }), {
        prompt: CANARY_PROMPT,
        locale: 'en',
      });
      expect(outcome).toMatchObject({ success: false, errorCode: 'TLS_ERROR', retryable: false, providerStatus: null });
      expect(server.requests()).toBe(0);
      expectContractShape(outcome);
      expectNoSecrets(outcome);
    } finally {
      await server.close();
    }
  });

  it('aborts the outbound call when the signal fires, and closes the connection', async () => {
    const emulator = await emulators.start('silent');
    const controller = new AbortController();
    // Cancelled once the request is at the server, however long the machine takes to send it.
    void eventually(() => emulator.requests.length > 0).then(() => controller.abort());
    const outcome = await service.run(target({ providerType: 'ollama', endpointUrl: emulator.url, modelId: 'llama3.2' }), {
      timeoutMs: 10_000,
      signal: controller.signal,
      locale: 'en',
    });
    expect(outcome).toMatchObject({ success: false, errorCode: 'NETWORK_ERROR', retryable: true });
    expect(outcome.userMessage).toBe('The test was cancelled before the provider answered.');
    expect(emulator.requests).toHaveLength(1);
    await eventually(() => emulator.openConnections() === 0);
    expect(emulator.openConnections()).toBe(0);
  });

  it('sends nothing when the signal has already fired', async () => {
    const emulator = await emulators.start('ollama');
    const outcome = await service.run(target({ providerType: 'ollama', endpointUrl: emulator.url }), { signal: AbortSignal.abort(), locale: 'en' });
    expect(outcome.errorCode).toBe('NETWORK_ERROR');
    expect(emulator.connections()).toBe(0);
  });

  it('keeps the whole test, model listing included, within one deadline', async () => {
    const emulator = await emulators.start('ollama', { scenario: { name: 'success', delayMs: 5000 } });
    const { value: outcome, elapsedMs } = await timed(() => service.run(target({ providerType: 'ollama', endpointUrl: emulator.url }), { timeoutMs: 1000, locale: 'en' }));
    expect(outcome.errorCode).toBe('TIMEOUT');
    expect(elapsedMs).toBeLessThan(10_000);
    expect(emulator.requests.map((r) => r.path)).toEqual(['/api/tags', '/api/chat']);
  });
});
