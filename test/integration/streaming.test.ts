/**
 * Streamed test prompts over HTTP: each provider's emulator streams its own wire format on a
 * script (wait, then tokens at intervals), stamping every send on the clock the service uses
 * in-process (performance.now), so the service's figures are checked against what was really
 * sent — by causality (nothing arrives before it is sent, nothing after the response), never by
 * how fast this machine happens to be.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEmulator, type Emulator, type EmulatorOptions, type ScenarioByKind, type StreamSendLog } from '../support/emulators/providers/index.js';
import { expectContract } from '../support/contract.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CANARY_KEY = 'sk-stream-canary-62c1-KEY-never-leaks';
const CANARY_PROMPT = 'STREAM-CANARY-PROMPT-d41f: say ready';
/** The Done-when script: 300 ms before the first token, then 20 tokens 50 ms apart. */
const SCRIPT = { waitMs: 300, tokens: 20, intervalMs: 50 };

let server: TestServer;
const emulators: Emulator<never>[] = [];
const seen: string[] = [];

async function emulator<K extends keyof ScenarioByKind>(kind: K, options: EmulatorOptions<ScenarioByKind[K]> = {}): Promise<Emulator<ScenarioByKind[K]>> {
  const started = await startEmulator(kind, options);
  emulators.push(started as unknown as Emulator<never>);
  return started;
}

beforeAll(async () => {
  server = await startTestServer({ rateLimits: { test: { limit: 1000, windowMs: 60_000 }, discover: { limit: 10, windowMs: 60_000 } } });
});

afterAll(async () => {
  const violations = emulators.flatMap((e) => e.violations);
  // The service closes each outbound socket when its test ends; give the FINs a moment to land.
  await eventually(() => emulators.every((e) => e.openConnections() === 0));
  const open = emulators.map((e) => e.openConnections());
  await Promise.all(emulators.map((e) => e.close()));
  await server.close();
  expect(violations).toEqual([]);
  expect(open.every((n) => n === 0)).toBe(true);
});

type Kind = 'llama.cpp' | 'ollama' | 'azure' | 'openai' | 'anthropic';
const PROVIDERS: [string, Kind, (url: string) => Record<string, unknown>][] = [
  ['llama.cpp', 'llama.cpp', (url) => ({ endpointUrl: url, apiKey: CANARY_KEY })],
  ['ollama', 'ollama', (url) => ({ endpointUrl: url, modelId: 'llama3.2:latest' })],
  ['azure', 'azure', (url) => ({ endpointUrl: url, modelId: 'gpt4o', apiKey: CANARY_KEY })],
  ['custom', 'openai', (url) => ({ endpointUrl: `${url}/v1`, modelId: 'gpt-4o-mini', apiKey: CANARY_KEY })],
  ['anthropic', 'anthropic', (url) => ({ endpointUrl: url, modelId: 'claude-haiku-4-5', apiKey: CANARY_KEY })],
];

async function testDraft(profile: Record<string, unknown>, body: Record<string, unknown> = {}, language = 'en') {
  const sentAt = performance.now();
  const res = await server.http
    .post('/api/llm/profiles/test')
    .set(server.auth)
    .set('Accept-Language', language)
    .send({ profile: { name: 'Streamed', ...profile }, promptOverride: CANARY_PROMPT, timeoutMs: 10_000, ...body });
  const answeredAt = performance.now();
  seen.push(res.text, JSON.stringify(res.headers));
  expectContract('testDraftProfile', res);
  expect(res.status).toBe(200);
  return { body: res.body as Record<string, unknown>, sentAt, answeredAt };
}

function lastLog(emu: { stream: { log: StreamSendLog[] } }): StreamSendLog {
  const log = emu.stream.log.at(-1);
  if (!log) throw new Error('the emulator streamed nothing');
  return log;
}

/**
 * The service's generation interval (first token's arrival to last's) lies between what
 * causality allows: the service sent its request between `sentAt` and the emulator's
 * `receivedAt`, saw the first token `timeToFirstTokenMs` later, and saw the last one after it
 * left the emulator and before the response came back.
 */
function rateBounds(run: { sentAt: number; answeredAt: number }, log: StreamSendLog, ttft: number, tokens: number): [number, number] {
  const longest = run.answeredAt - run.sentAt - ttft;
  const shortest = (log.tokenTimes.at(-1) ?? 0) - log.receivedAt - ttft;
  const rate = (ms: number): number => ((tokens - 1) / ms) * 1000;
  return [rate(longest) - 0.1, shortest > 0 ? rate(shortest) + 0.1 : Number.POSITIVE_INFINITY];
}

describe.each(PROVIDERS)('a streamed %s answer', (providerType, kind, fields) => {
  test('times the first token from the emulator’s send times and the rate from the provider’s counts', async () => {
    const apiKey = providerType === 'ollama' ? null : CANARY_KEY;
    const emu = await emulator(kind, { apiKey, stream: SCRIPT });
    const run = await testDraft({ providerType, ...fields(emu.url) });
    const outcome = run.body;
    const log = lastLog(emu);

    expect(outcome).toMatchObject({ success: true, errorCode: null, outputTokens: 20, tokensPerSecondSource: 'provider' });
    expect(emu.requests.at(-1)?.json).toMatchObject({ stream: true });
    if (kind !== 'ollama' && kind !== 'anthropic') expect(emu.requests.at(-1)?.json).toMatchObject({ stream_options: { include_usage: true } });
    expect(outcome.responsePreview).toBe(Array.from({ length: 20 }, (_, i) => `tok${i}`).join(' '));

    const ttft = outcome.timeToFirstTokenMs as number;
    const firstSent = log.tokenTimes[0] ?? Number.NaN;
    expect(ttft).toBeGreaterThanOrEqual(300);
    // Not before the emulator sent it (the request left no later than the emulator received it) ...
    expect(ttft).toBeGreaterThanOrEqual(firstSent - log.receivedAt);
    // ... and not after the response came back.
    expect(ttft).toBeLessThanOrEqual(run.answeredAt - run.sentAt);
    // The first byte (headers, the opening event) came before the first token.
    expect((outcome.timings as { firstByteMs: number }).firstByteMs).toBeLessThanOrEqual(ttft);

    const rate = outcome.tokensPerSecond as number;
    const final = log.final ?? {};
    if (kind === 'ollama') {
      expect(rate).toBe(Math.round((Number(final.eval_count) / (Number(final.eval_duration) / 1e9)) * 10) / 10);
    } else if (kind === 'llama.cpp') {
      const timings = final.timings as { predicted_per_second: number };
      expect(rate).toBe(Math.round(timings.predicted_per_second * 10) / 10);
    } else {
      const [low, high] = rateBounds(run, log, ttft, 20);
      expect(rate).toBeGreaterThanOrEqual(low);
      expect(rate).toBeLessThanOrEqual(high);
    }
    expect(typeof outcome.speedVerdict).toBe('string');
    expect(outcome.speedVerdict).toMatch(/^(Fast|Usable|Slow): the answer started after \d+\.\d s and came at about \d+ words a second/);
  });
});

test('a server that streams no token counts gets an estimated rate from the chunks over the emulator-stamped interval', async () => {
  const emu = await emulator('openai', { apiKey: CANARY_KEY, stream: { ...SCRIPT, noUsage: true } });
  const run = await testDraft({ providerType: 'custom', ...PROVIDERS[3]![2](emu.url) });
  const log = lastLog(emu);
  expect(run.body).toMatchObject({ success: true, outputTokens: 20, tokensPerSecondSource: 'estimated' });
  const ttft = run.body.timeToFirstTokenMs as number;
  expect(ttft).toBeGreaterThanOrEqual(300);
  const [low, high] = rateBounds(run, log, ttft, 20);
  expect(run.body.tokensPerSecond).toBeGreaterThanOrEqual(low);
  expect(run.body.tokensPerSecond).toBeLessThanOrEqual(high);
});

test('Ollama loading the model for 2 s is a cold start with its own sentence; the warm second call is not', async () => {
  const emu = await emulator('ollama', { stream: { coldLoadMs: 2000, tokens: 3, intervalMs: 10 } });
  const profile = { providerType: 'ollama', ...PROVIDERS[1]![2](emu.url) };

  const cold = (await testDraft(profile)).body;
  expect(cold).toMatchObject({ success: true, coldStart: true, loadMs: 2000 });
  expect(cold.timeToFirstTokenMs).toBeGreaterThanOrEqual(2000);
  const seconds = (Math.round((cold.timeToFirstTokenMs as number) / 100) / 10).toFixed(1);
  expect(cold.speedVerdict).toBe(`The first answer took ${seconds} s because the model had to load; the next ones will be faster.`);

  const warm = (await testDraft(profile, {}, 'es')).body;
  expect(warm).toMatchObject({ success: true, coldStart: false, loadMs: 12.5 });
  expect(warm.speedVerdict).not.toMatch(/cargarse/);
  expect(warm.speedVerdict).toMatch(/^(Rápido|Aceptable|Lento): la respuesta empezó a los \d+,\d s/);
});

describe('an error sent inside the stream after the 200', () => {
  test('OpenRouter’s error chunk with a status code means what that status means unstreamed', async () => {
    const emu = await emulator('openai', { apiKey: CANARY_KEY, stream: { tokens: 5, errorAfter: 2 } });
    const profile = { providerType: 'custom', ...PROVIDERS[3]![2](emu.url) };
    const streamed = (await testDraft(profile)).body;
    expect(streamed).toMatchObject({ success: false, errorCode: 'PROVIDER_ERROR', retryable: true, providerStatus: 200, responsePreview: null });
    expect(streamed.notes).toContain('The server started answering, then reported the error partway through.');

    emu.stream.script = { errorAfter: 1, error: { error: { code: 429, message: 'Rate limit exceeded: free-models-per-min' } } };
    const limited = (await testDraft(profile)).body;
    emu.setScenario({ name: 'rate-limited' });
    const unstreamed = (await testDraft(profile)).body;
    expect(limited).toMatchObject({ success: false, errorCode: 'RATE_LIMITED', retryable: true, providerStatus: 200 });
    expect(unstreamed).toMatchObject({ errorCode: 'RATE_LIMITED', providerStatus: 429 });
    expect(limited.userMessage).toBe(unstreamed.userMessage);
  });

  test('Anthropic’s event: error is the same outcome as the status it stands for', async () => {
    const emu = await emulator('anthropic', { apiKey: CANARY_KEY, stream: { tokens: 4, errorAfter: 1 } });
    const profile = { providerType: 'anthropic', ...PROVIDERS[4]![2](emu.url) };
    const streamed = (await testDraft(profile)).body;
    emu.setScenario({ name: 'overloaded' });
    const unstreamed = (await testDraft(profile)).body;
    expect(unstreamed).toMatchObject({ errorCode: 'PROVIDER_ERROR', retryable: true, providerStatus: 529 });
    expect(streamed).toMatchObject({ success: false, errorCode: 'PROVIDER_ERROR', retryable: true, providerStatus: 200, userMessage: unstreamed.userMessage });

    emu.setScenario({ name: 'success' });
    emu.stream.script = {
      errorAfter: 0,
      error: { type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit.' } },
    };
    expect((await testDraft(profile)).body).toMatchObject({ errorCode: 'RATE_LIMITED', retryable: true, providerStatus: 200 });
  });

  test('Ollama’s {"error": ...} line is a provider error, not an answer', async () => {
    const emu = await emulator('ollama', { stream: { tokens: 4, errorAfter: 2 } });
    const outcome = (await testDraft({ providerType: 'ollama', ...PROVIDERS[1]![2](emu.url) })).body;
    expect(outcome).toMatchObject({ success: false, errorCode: 'PROVIDER_ERROR', retryable: true, providerStatus: 200, responsePreview: null });
    expect(outcome.speedVerdict).toBeUndefined();
  });
});

test('a stream that trickles tokens is cut at timeoutMs with TIMEOUT, not before, and its socket closed', async () => {
  const emu = await emulator('llama.cpp', { apiKey: CANARY_KEY, stream: { tokens: Number.POSITIVE_INFINITY, intervalMs: 100 } });
  const run = await testDraft({ providerType: 'llama.cpp', ...PROVIDERS[0]![2](emu.url) }, { timeoutMs: 1000 });
  expect(run.body).toMatchObject({ success: false, errorCode: 'TIMEOUT', retryable: true });
  // Not before the deadline (which runs from the start of the test run, so seen from outside it) ...
  expect(run.answeredAt - run.sentAt).toBeGreaterThanOrEqual(1000);
  expect(lastLog(emu).tokenTimes.length).toBeGreaterThan(1);
  // ... and, a bound only to prove the deadline applied, within three times it.
  expect(run.answeredAt - run.sentAt).toBeLessThan(3000);
  await eventually(() => emu.openConnections() === 0);
  expect(emu.openConnections()).toBe(0);
});

test('stream:false sends the plain request and reports no streamed figures', async () => {
  const emu = await emulator('llama.cpp', { apiKey: CANARY_KEY, stream: SCRIPT });
  const outcome = (await testDraft({ providerType: 'llama.cpp', ...PROVIDERS[0]![2](emu.url) }, { stream: false })).body;
  expect(emu.requests.at(-1)?.json).toMatchObject({ stream: false });
  expect(emu.requests.at(-1)?.json).not.toHaveProperty('stream_options');
  expect(emu.stream.log).toEqual([]);
  expect(outcome).toMatchObject({ success: true, responsePreview: 'Ready.', tokensPerSecondSource: 'provider' });
  expect(outcome).not.toHaveProperty('timeToFirstTokenMs');
  expect(outcome).not.toHaveProperty('speedVerdict');
});

test('a server that refuses stream_options is asked again without streaming, and says so', async () => {
  const emu = await emulator('openai', { apiKey: CANARY_KEY, stream: { refuseStreamOptions: true } });
  const outcome = (await testDraft({ providerType: 'custom', ...PROVIDERS[3]![2](emu.url) })).body;
  expect(emu.requests.map((r) => (r.json as { stream?: unknown }).stream)).toEqual([true, false]);
  expect(outcome).toMatchObject({ success: true, responsePreview: 'Ready.' });
  expect(outcome.notes).toContain('The server would not stream its answer, so it was asked for in one piece and its speed is not measured.');
  expect(outcome).not.toHaveProperty('timeToFirstTokenMs');
});

test('the canary key and prompt appear in no response, diagnostics line or log line', async () => {
  // A model that streams the prompt back: the preview is redacted like an unstreamed one.
  const emu = await emulator('ollama', { scenario: { name: 'success', reply: `You said: ${CANARY_PROMPT}` }, stream: { intervalMs: 5 } });
  const outcome = (await testDraft({ providerType: 'ollama', ...PROVIDERS[1]![2](emu.url) })).body;
  expect(outcome).toMatchObject({ success: true });
  expect(JSON.stringify(emu.requests.at(-1)?.json)).toContain(CANARY_PROMPT);

  await server.service.deps.diagnostics.flush();
  const dir = server.service.paths.diagnosticsDir;
  const diagnostics = (await Promise.all((await readdir(dir)).map((f) => readFile(path.join(dir, f), 'utf8')))).join('\n');
  expect(diagnostics).toContain('"kind":"outbound"');
  const haystacks = [seen.join('\n'), diagnostics, server.logs.join('\n')];
  for (const canary of [CANARY_KEY, CANARY_PROMPT, encodeURIComponent(CANARY_PROMPT)]) {
    for (const haystack of haystacks) expect(haystack.includes(canary)).toBe(false);
  }
});
