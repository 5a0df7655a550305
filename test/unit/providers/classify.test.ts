import { classifyStatus, errorFields, joinUrl, providerCodeOf, retryAfterMs, successBody, withoutSuffix } from '../../../src/providers/classify.js';
import type { ProviderReply } from '../../../src/providers/types.js';

function reply(status: number, json: unknown, headers: ProviderReply['headers'] = {}): ProviderReply {
  return { kind: 'reply', status, headers, body: JSON.stringify(json), json };
}

describe('reading provider error bodies', () => {
  it.each([
    ['OpenAI', { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } }, 'insufficient_quota', 'insufficient_quota'],
    ['Anthropic', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'overloaded_error', null],
    ['Azure', { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist.' } }, null, 'DeploymentNotFound'],
    ['llama.cpp', { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } }, 'unavailable_error', '503'],
    ['vLLM', { object: 'error', message: 'The model `x` does not exist.', type: 'NotFoundError', code: 404 }, 'NotFoundError', '404'],
    ['Ollama', { error: 'model "x" not found, try pulling it first' }, null, null],
    ['Gemini', [{ error: { code: 400, message: 'API key not valid.', status: 'INVALID_ARGUMENT' } }], 'INVALID_ARGUMENT', '400'],
    [
      'Mistral',
      {
        object: 'error',
        message: { detail: [{ type: 'extra_forbidden', loc: ['body', 'store'], msg: 'Extra inputs are not permitted' }] },
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
      'invalid_request_error',
      'extra_forbidden',
    ],
    ['OpenRouter', { error: { code: 402, message: 'Insufficient credits.', metadata: {} } }, null, '402'],
  ])('understands the %s shape', (_name, json, type, code) => {
    const fields = errorFields(json);
    expect(fields).toMatchObject({ type, code });
    expect(fields?.message).toBe(fields?.message.toLowerCase());
  });

  it('finds the fields an error names: OpenAI’s param, every entry of a validation list', () => {
    expect(errorFields({ error: { message: 'x', type: 'invalid_request_error', param: 'max_tokens', code: 'unsupported_parameter' } })?.params).toEqual(['max_tokens']);
    const mistral = {
      object: 'error',
      message: {
        detail: [
          { type: 'extra_forbidden', loc: ['body', 'a'] },
          { type: 'extra_forbidden', loc: ['body', 'b'] },
          { type: 'missing', loc: ['body', 'c'] },
        ],
      },
      type: 'invalid_request_error',
      param: null,
      code: null,
    };
    expect(errorFields(mistral)).toMatchObject({ code: 'extra_forbidden', params: ['a', 'b'], message: '' });
    expect(errorFields({ detail: [{ type: 'extra_forbidden', loc: ['body', 'store'], msg: 'Extra inputs are not permitted' }] })).toMatchObject({
      code: 'extra_forbidden',
      params: ['store'],
    });
  });

  it('finds nothing in bodies that are not errors', () => {
    expect(errorFields({ choices: [] })).toBeNull();
    expect(errorFields('oops')).toBeNull();
    expect(errorFields(undefined)).toBeNull();
    expect(errorFields([])).toBeNull();
    expect(errorFields(['oops'])).toBeNull();
  });

  it('passes on only plain identifiers, never sentences or bare numbers', () => {
    expect(providerCodeOf({ type: 'invalid_request_error', code: 'invalid_api_key', message: '', params: [] })).toBe('invalid_api_key');
    expect(providerCodeOf({ type: 'authentication_error', code: '401', message: '', params: [] })).toBe('authentication_error');
    expect(providerCodeOf({ type: 'Incorrect API key provided: sk-abc', code: null, message: '', params: [] })).toBeNull();
    expect(providerCodeOf({ type: null, code: 'x'.repeat(80), message: '', params: [] })).toBeNull();
    expect(providerCodeOf(null)).toBeNull();
  });
});

describe('retry hints', () => {
  it('prefers retry-after-ms, then retry-after in seconds or as a date', () => {
    expect(retryAfterMs(reply(429, {}, { 'retry-after-ms': '1500', 'retry-after': '7' }))).toBe(1500);
    expect(retryAfterMs(reply(429, {}, { 'retry-after': '7' }))).toBe(7000);
    expect(retryAfterMs(reply(429, {}, { 'retry-after': 'Fri, 31 Jan 2025 10:00:30 GMT' }), Date.parse('Fri, 31 Jan 2025 10:00:00 GMT'))).toBe(30_000);
  });

  it('counts only a wait of more than 0 and at most 24 hours, falling back to retry-after when retry-after-ms is unusable', () => {
    expect(retryAfterMs(reply(429, {}, { 'retry-after': 'soon' }))).toBeNull();
    expect(retryAfterMs(reply(429, {}, {}))).toBeNull();
    expect(retryAfterMs(reply(429, {}, { 'retry-after': 'Fri, 31 Jan 2025 09:00:00 GMT' }), Date.parse('Fri, 31 Jan 2025 10:00:00 GMT'))).toBeNull();
    expect(retryAfterMs(reply(429, {}, { 'retry-after': '0' }))).toBeNull();
    expect(retryAfterMs(reply(429, {}, { 'retry-after': '99999999' }))).toBeNull();
    expect(retryAfterMs(reply(429, {}, { 'retry-after': '86400' }))).toBe(86_400_000);
    expect(retryAfterMs(reply(429, {}, { 'retry-after-ms': '0', 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(reply(429, {}, { 'retry-after-ms': '20.5' }))).toBe(21);
  });
});

describe('status meanings', () => {
  it.each([
    [401, 'PROVIDER_UNAUTHORIZED', false],
    [403, 'PROVIDER_FORBIDDEN', false],
    [404, 'PROVIDER_ERROR', false],
    [408, 'TIMEOUT', true],
    [422, 'PROVIDER_ERROR', false],
    [429, 'RATE_LIMITED', true],
    [500, 'PROVIDER_ERROR', true],
    [503, 'PROVIDER_ERROR', true],
  ])('%d → %s (retryable: %s)', (status, errorCode, retryable) => {
    expect(classifyStatus(reply(status, {}))).toMatchObject({ errorCode, retryable, providerStatus: status });
  });

  it('judges 2xx bodies, not statuses', () => {
    expect(successBody(reply(200, { error: 'Unexpected endpoint or method. (POST /v1/chat/completions)' }))).toMatchObject({ errorCode: 'INVALID_RESPONSE', variant: 'wrongPath' });
    expect(successBody(reply(200, { error: 'No models loaded.' }))).toMatchObject({ errorCode: 'INVALID_RESPONSE', variant: 'errorBody' });
    expect(successBody(reply(200, { object: 'error', message: 'x' }))).toMatchObject({ errorCode: 'INVALID_RESPONSE' });
    expect(successBody({ kind: 'reply', status: 200, headers: {}, body: '<html>', json: undefined })).toMatchObject({ errorCode: 'INVALID_RESPONSE', variant: 'notJson' });
    expect(successBody(reply(200, { choices: [], error: null }))).toEqual({ kind: 'body', body: { choices: [], error: null } });
  });
});

describe('endpoint paths', () => {
  it('joins without doubling slashes and drops query and fragment', () => {
    expect(joinUrl(new URL('http://h:1/v1/?a=1#f'), '/models').href).toBe('http://h:1/v1/models');
    expect(joinUrl(new URL('http://h:1'), '/v1').href).toBe('http://h:1/v1');
  });

  it('removes one pasted suffix, case-insensitively', () => {
    expect(withoutSuffix(new URL('http://h/v1/chat/completions'), ['/chat/completions']).pathname).toBe('/v1');
    expect(withoutSuffix(new URL('http://h/V1/'), ['/v1']).pathname).toBe('/');
    expect(withoutSuffix(new URL('http://h/proxy/llama'), ['/v1']).pathname).toBe('/proxy/llama');
  });
});
