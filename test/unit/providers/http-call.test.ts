import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import got from 'got';
import { classifyTransportError, reduceGotError } from '../../../src/providers/http-call.js';

const KEY = 'sk-canary-http-call-1c0ffee';
const PROMPT = 'CANARY-PROMPT-http-call-77';

describe('got errors, reduced', () => {
  it('keeps only name, code, statusCode and host: never the headers or the body', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const error = await got
      .post(`http://127.0.0.1:${port}/v1/chat/completions?api-version=1`, { headers: { authorization: `Bearer ${KEY}` }, json: { prompt: PROMPT }, retry: { limit: 0 } })
      .then(
        () => null,
        (e: unknown) => e,
      );
    // The raw error does carry both, which is why it must never be logged as is.
    expect(JSON.stringify((error as { options: unknown }).options)).toContain(KEY);

    const reduced = reduceGotError(error);
    expect(reduced).toEqual({ name: 'RequestError', code: 'ECONNREFUSED', statusCode: null, host: `127.0.0.1:${port}` });
    expect(JSON.stringify(reduced)).not.toContain(KEY);
    expect(JSON.stringify(reduced)).not.toContain(PROMPT);
    expect(JSON.stringify(reduced)).not.toContain('api-version');
  });

  it('copes with things that are not errors', () => {
    expect(reduceGotError('boom')).toEqual({ name: 'Error', code: null, statusCode: null, host: null });
    expect(reduceGotError(null)).toEqual({ name: 'Error', code: null, statusCode: null, host: null });
  });
});

describe('transport failures', () => {
  it.each([
    [{ name: 'TimeoutError', code: 'ETIMEDOUT' }, 'TIMEOUT', true],
    [{ name: 'RequestError', code: 'ECONNREFUSED' }, 'NETWORK_ERROR', true],
    [{ name: 'RequestError', code: 'ECONNRESET' }, 'NETWORK_ERROR', true],
    [{ name: 'RequestError', code: 'EPIPE' }, 'NETWORK_ERROR', true],
    [{ name: 'RequestError', code: 'ENOTFOUND' }, 'DNS_ERROR', false],
    [{ name: 'RequestError', code: 'EAI_AGAIN' }, 'DNS_ERROR', false],
    [{ name: 'RequestError', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'TLS_ERROR', false],
    [{ name: 'RequestError', code: 'CERT_HAS_EXPIRED' }, 'TLS_ERROR', false],
    [{ name: 'RequestError', code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'TLS_ERROR', false],
    [{ name: 'RequestError', code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'TLS_ERROR', false],
    [{ name: 'RequestError', code: 'HPE_INVALID_CONSTANT' }, 'INVALID_RESPONSE', false],
    [{ name: 'AbortError', code: 'ERR_ABORTED' }, 'NETWORK_ERROR', true],
    [{ name: 'RequestError', code: 'ERR_OUTBOUND_ADDRESS_NOT_ALLOWED' }, 'ADDRESS_NOT_ALLOWED', false],
  ])('%j → %s (retryable: %s)', (error, errorCode, retryable) => {
    expect(classifyTransportError({ ...error, statusCode: null, host: 'h' })).toMatchObject({ kind: 'failure', errorCode, retryable });
  });
});
