import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import got from 'got';
import { createLogger, reduceError, reduceRequest } from '../../../src/logging/logger.js';

const KEY = 'sk-CANARY-key-7f3a/9b+c=d';
const TOKEN = 'tok-CANARY-bearer-5e1d~q';
const PROMPT = 'What is the CANARY prompt, número 42?';
const CANARIES = [KEY, TOKEN, PROMPT];

/** Every form a secret could leak in: raw, base64 and URL-encoded. */
function leaks(output: string): string[] {
  const forms = CANARIES.flatMap((c) => [c, Buffer.from(c).toString('base64'), encodeURIComponent(c), new URLSearchParams({ c }).toString().slice(2)]);
  return forms.filter((form) => output.includes(form)).concat(/canary/i.test(output) ? ['CANARY'] : []);
}

function memoryLogger(level = 'trace') {
  const chunks: string[] = [];
  const logger = createLogger({ level, destination: { write: (chunk: string) => void chunks.push(chunk) } });
  return {
    logger,
    output: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Shaped like got's RequestError/HTTPError: options with headers, body and URL; a response with headers and body. */
function fakeGotError(): Error {
  const error = new Error(`Response code 401 (Unauthorized) for https://api.example.com/v1/chat?api-key=${encodeURIComponent(KEY)}: ${PROMPT}`);
  Object.assign(error, {
    name: 'HTTPError',
    code: 'ERR_NON_2XX_3XX_RESPONSE',
    options: {
      url: new URL(`https://user:${encodeURIComponent(KEY)}@api.example.com/v1/chat?api-key=${encodeURIComponent(KEY)}`),
      headers: { authorization: `Bearer ${TOKEN}`, 'api-key': KEY, 'x-api-key': KEY },
      json: { messages: [{ role: 'user', content: PROMPT }] },
      body: Buffer.from(JSON.stringify({ prompt: PROMPT })),
    },
    response: {
      statusCode: 401,
      headers: { 'www-authenticate': `Bearer ${TOKEN}` },
      body: `{"error":"invalid key ${KEY}","echo":"${Buffer.from(PROMPT).toString('base64')}"}`,
      rawBody: Buffer.from(KEY),
    },
    request: { options: { headers: { authorization: `Bearer ${TOKEN}` } } },
    timings: { phases: { total: 12 } },
  });
  return error;
}

describe('reduceError', () => {
  it('keeps only name, code, status and host of a got-like error', () => {
    expect(reduceError(fakeGotError())).toEqual({ name: 'HTTPError', code: 'ERR_NON_2XX_3XX_RESPONSE', statusCode: 401, host: 'api.example.com' });
  });

  it('reduces system errors, plain objects and non-errors', () => {
    const errno = Object.assign(new Error(`ENOENT: no such file, open '/home/learner/${KEY}'`), { code: 'ENOENT', errno: -2, path: `/home/learner/${KEY}` });
    expect(reduceError(errno)).toEqual({ name: 'Error', code: 'ENOENT' });
    expect(reduceError({ name: 'RequestError', code: 'ECONNREFUSED', options: { url: 'http://127.0.0.1:9/v1?token=x' } })).toEqual({
      name: 'RequestError',
      code: 'ECONNREFUSED',
      host: '127.0.0.1:9',
    });
    expect(reduceError({ status: 413, name: 'PayloadTooLargeError', hostname: 'api.example.com' })).toEqual({
      name: 'PayloadTooLargeError',
      statusCode: 413,
      host: 'api.example.com',
    });
    expect(reduceError(`thrown text ${KEY}`)).toEqual({ name: 'NonError' });
    expect(reduceError(null)).toEqual({ name: 'NonError' });
    expect(reduceError({ name: `Bad name with ${KEY}`, code: `not a code ${KEY}` })).toEqual({ name: 'Error' });
  });

  it('survives a hostile getter', () => {
    const hostile = Object.defineProperty({}, 'name', {
      get: () => {
        throw new Error(KEY);
      },
    });
    expect(reduceError(hostile)).toEqual({ name: 'Error' });
  });

  it('is idempotent', () => {
    const once = reduceError(fakeGotError());
    expect(reduceError(once)).toEqual(once);
  });
});

describe('reduceRequest', () => {
  it('keeps method, path without query and a well-formed request id', () => {
    const req = {
      method: 'POST',
      originalUrl: `/api/llm/profiles/test?key=${KEY}#frag`,
      headers: { authorization: `Bearer ${TOKEN}`, 'x-request-id': 'req-1' },
      body: { promptOverride: PROMPT },
    };
    expect(reduceRequest(req)).toEqual({ method: 'POST', path: '/api/llm/profiles/test', requestId: 'req-1' });
    expect(reduceRequest({ method: 'GET', url: '/api/health', headers: { 'x-request-id': 'bad id with spaces' } })).toEqual({ method: 'GET', path: '/api/health' });
  });
});

describe('createLogger', () => {
  it('writes no canary however a got-like error is logged', () => {
    const { logger, output, lines } = memoryLogger();
    const error = fakeGotError();
    logger.error(error);
    logger.error(error, 'provider call failed');
    logger.error({ err: error, requestId: 'r1' }, 'provider call failed');
    logger.warn({ error });
    logger.child({ component: 'prompt-test' }).error({ err: error, cause: error });
    logger.info({ outbound: error });

    expect(leaks(output())).toEqual([]);
    const logged = lines();
    expect(logged).toHaveLength(6);
    expect(logged[0]?.err).toEqual({ name: 'HTTPError', code: 'ERR_NON_2XX_3XX_RESPONSE', statusCode: 401, host: 'api.example.com' });
    expect(logged[0]?.msg).toBeUndefined();
    expect(logged[1]?.msg).toBe('provider call failed');
    expect(logged[2]).toMatchObject({ requestId: 'r1', err: { name: 'HTTPError', statusCode: 401 } });
    expect(logged[3]?.error).toEqual(logged[0]?.err);
    expect(logged[5]?.outbound).toEqual(logged[0]?.err);
  });

  it('serializes requests and responses through the allow-list', () => {
    const { logger, output, lines } = memoryLogger();
    const req = {
      method: 'PATCH',
      url: `/api/llm/profiles/1?apiKey=${KEY}`,
      headers: { authorization: `Bearer ${TOKEN}`, 'x-api-key': KEY },
      body: { changes: { apiKey: KEY } },
      requestId: 'abc',
    };
    const res = { statusCode: 200, headers: { 'set-cookie': TOKEN }, body: PROMPT };
    logger.info({ req, res }, 'request finished');
    expect(leaks(output())).toEqual([]);
    expect(lines()[0]).toMatchObject({ req: { method: 'PATCH', path: '/api/llm/profiles/1', requestId: 'abc' }, res: { statusCode: 200 } });
  });

  it('redacts secret-named fields that reach it another way', () => {
    const { logger, output, lines } = memoryLogger();
    logger.info({
      apiKey: KEY,
      token: TOKEN,
      prompt: PROMPT,
      authorization: `Bearer ${TOKEN}`,
      headers: { authorization: `Bearer ${TOKEN}`, 'api-key': KEY, 'x-api-key': KEY },
      profile: { apiKey: KEY, name: 'Local' },
      outbound: { headers: { authorization: `Bearer ${TOKEN}` } },
      call: { request: { headers: { 'api-key': KEY } } },
    });
    expect(leaks(output())).toEqual([]);
    expect(lines()[0]).toMatchObject({ apiKey: '[redacted]', profile: { apiKey: '[redacted]', name: 'Local' } });
  });

  it('honours the level', () => {
    const { logger, output } = memoryLogger('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(output()).not.toContain('quiet');
    expect(output()).toContain('loud');
  });

  describe('with a real got error from a local server', () => {
    let server: Server;
    let baseUrl: string;

    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer realm="${KEY}"` });
          res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}`, echo: body } }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('logs its name, code, status and host and nothing else', async () => {
      const caught = await got
        .post(`${baseUrl}/v1/chat/completions?api-key=${encodeURIComponent(KEY)}`, {
          headers: { authorization: `Bearer ${TOKEN}`, 'api-key': KEY, connection: 'close' },
          json: { messages: [{ role: 'user', content: PROMPT }] },
          retry: { limit: 0 },
          timeout: { request: 5000 },
        })
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(caught).toBeInstanceOf(Error);

      const { logger, output, lines } = memoryLogger();
      logger.error(caught as Error);
      logger.error({ err: caught, error: caught }, 'provider call failed');
      expect(leaks(output())).toEqual([]);
      expect(lines()[0]?.err).toEqual({ name: 'HTTPError', code: 'ERR_NON_2XX_3XX_RESPONSE', statusCode: 401, host: new URL(baseUrl).host });
    });
  });
});
