/**
 * Error replies copied from real servers (sources in the fact sheet the issue cites), for the
 * OpenAI-compatible emulator to play back: each is one shape a client must read without a 500
 * or a wrong outcome. Messages are kept as the servers word them.
 */
export interface RealReply {
  status: number;
  /** JSON body, or plain text when a string. */
  body: unknown;
  headers?: Record<string, string>;
}

export const REAL_REPLIES = {
  /** OpenRouter: 402 when the prepaid credits are gone (openrouter.ai/docs/api/errors). */
  'openrouter-credits': { status: 402, body: { error: { code: 402, message: 'Insufficient credits. Add more using https://openrouter.ai/settings/credits', metadata: {} } } },
  /** DeepSeek: 402 Insufficient Balance (api-docs.deepseek.com error codes). */
  'deepseek-balance': { status: 402, body: { error: { message: 'Insufficient Balance', type: 'unknown_error', param: null, code: 'invalid_request_error' } } },
  /** OpenAI 429, rate: retryable; the wait in Azure's precise header wins over `retry-after`. */
  'openai-rate-limit': {
    status: 429,
    body: {
      error: {
        message: 'Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM): Limit 10000, Used 9348, Requested 5086. Please try again in 26.604s.',
        type: 'tokens',
        param: null,
        code: 'rate_limit_exceeded',
      },
    },
    headers: { 'retry-after-ms': '26604', 'retry-after': '27' },
  },
  /** OpenAI 429, quota: permanent until billing is fixed. */
  'openai-quota': {
    status: 429,
    body: {
      error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' },
    },
  },
  /** OpenAI reasoning models (o1, o3-mini, gpt-5…) given `max_tokens`. */
  'openai-max-tokens-refused': {
    status: 400,
    body: {
      error: {
        message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        type: 'invalid_request_error',
        param: 'max_tokens',
        code: 'unsupported_parameter',
      },
    },
  },
  /** Gemini's OpenAI-compatible endpoint: errors come as a JSON list, `status` a gRPC name. */
  'gemini-bad-key': {
    status: 400,
    body: [{ error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' } }],
  },
  'gemini-rate-limit': {
    status: 429,
    body: [{ error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } }],
    headers: { 'retry-after': 'Fri, 31 Jan 2025 10:00:30 GMT' },
  },
  /** Mistral's strict schema: 422 with an object-valued `message` (a validation error list). */
  'mistral-extra-forbidden': {
    status: 422,
    body: {
      object: 'error',
      message: { detail: [{ type: 'extra_forbidden', loc: ['body', 'logit_bias'], msg: 'Extra inputs are not permitted', input: {} }] },
      type: 'invalid_request_error',
      param: null,
      code: null,
    },
  },
  /** Ollama's native API (and its /v1): a model that is not pulled. */
  'ollama-not-pulled': { status: 404, body: { error: 'model "llama3" not found, try pulling it first' } },
  /** Azure: `code` is a string, here a number in a string. */
  'azure-unauthorized': {
    status: 401,
    body: {
      error: {
        code: '401',
        message:
          'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
      },
    },
  },
  /** vLLM before the OpenAI-style wrapper: a flat `{object:"error"}` with a numeric code. */
  'vllm-old-not-found': { status: 404, body: { object: 'error', message: 'The model `llama3` does not exist.', type: 'NotFoundError', param: null, code: 404 } },
  /** LM Studio answers an unknown path with 200 and an error string ("Returning 200 anyway"). */
  'lmstudio-unexpected-endpoint': { status: 200, body: { error: 'Unexpected endpoint or method. (POST /chat/completions)' } },
  /** KoboldCpp's unknown path: plain text, not JSON. */
  'koboldcpp-not-found': { status: 404, body: 'Error: HTTP Server is running, but this endpoint does not exist. Please check the URL.' },
  /** llama.cpp loading its model, met through the OpenAI-compatible adapter. */
  'llama-loading': { status: 503, body: { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } } },
  /** Anthropic's overload status, on an OpenAI-compatible gateway that passes it through. */
  'overloaded-529': { status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, headers: { 'retry-after': '5' } },
} satisfies Record<string, RealReply>;

export type RealReplyName = keyof typeof REAL_REPLIES;
