/**
 * What a provider's error reply means, as one table over status and the error's code or type
 * (and its wording only where a provider offers nothing else). Every adapter reads its failures
 * through it; the first row that matches wins, and the status alone decides when none does.
 * Matching on `code`/`type` rather than text: providers reword their messages.
 */
import { classifyStatus, errorFields, failure, retryAfterMs, type ErrorFields } from './classify.js';
import type { OutcomeErrorCode, ProviderFailure, ProviderReply } from './types.js';

interface Meaning {
  /** Statuses the row applies to; any status when absent. */
  status?: readonly number[];
  /** Matches when the error's `code` or `type` is one of these… */
  codes?: readonly string[];
  /** …or when its (lower-cased) message matches this. With neither, the status alone matches. */
  message?: RegExp;
  errorCode: OutcomeErrorCode;
  retryable: boolean;
  variant?: string;
  /** Whether the provider's retry headers are worth reading for this outcome. */
  wait?: boolean;
}

const MEANINGS: readonly Meaning[] = [
  // llama.cpp while it loads its model: 503 on every path, before the key check.
  { status: [503], codes: ['unavailable_error'], message: /loading model/, errorCode: 'MODEL_LOADING', retryable: true, wait: true },
  // OpenRouter and DeepSeek: 402 when the prepaid credits are gone.
  { status: [402], errorCode: 'QUOTA_EXHAUSTED', retryable: false, variant: 'credits' },
  // Anthropic: billing trouble is a 400 invalid_request_error; only the wording tells it apart.
  { status: [400, 403], message: /credit balance is too low|insufficient (credit|balance)/, errorCode: 'QUOTA_EXHAUSTED', retryable: false, variant: 'credits' },
  { status: [400, 403], message: /spend(ing)? limit|usage limits?\b/, errorCode: 'QUOTA_EXHAUSTED', retryable: false },
  // OpenAI and Azure 429 insufficient_quota: permanent until billing is fixed, unlike rate_limit_exceeded.
  { codes: ['insufficient_quota', 'billing_error'], errorCode: 'QUOTA_EXHAUSTED', retryable: false },
  // Azure's content filter on the prompt (400 code content_filter).
  { codes: ['content_filter', 'content_policy_violation'], errorCode: 'CONTENT_FILTERED', retryable: false },
  // Gemini answers a bad key with 400 INVALID_ARGUMENT "API key not valid".
  { status: [400], message: /api key not valid/, errorCode: 'PROVIDER_UNAUTHORIZED', retryable: false },
  { codes: ['model_not_found', 'DeploymentNotFound'], errorCode: 'MODEL_NOT_FOUND', retryable: false },
  // Ollama, natively and on /v1: `model "x" not found, try pulling it first`.
  { status: [404], message: /try pulling it/, errorCode: 'MODEL_NOT_FOUND', retryable: false, variant: 'notPulled' },
  // vLLM, Groq, Anthropic and others name the model in a 404; llama.cpp's "File Not Found" does not.
  { status: [404], message: /\bmodel\b/, errorCode: 'MODEL_NOT_FOUND', retryable: false },
  { status: [529], errorCode: 'PROVIDER_ERROR', retryable: true, variant: 'overloaded', wait: true },
  { codes: ['overloaded_error'], errorCode: 'PROVIDER_ERROR', retryable: true, variant: 'overloaded', wait: true },
  { message: /requires more system memory/, errorCode: 'PROVIDER_ERROR', retryable: false, variant: 'memory' },
];

function matches(meaning: Meaning, status: number, fields: ErrorFields | null): boolean {
  if (meaning.status && !meaning.status.includes(status)) return false;
  if (!meaning.codes && !meaning.message) return true;
  if (!fields) return false;
  const byCode = meaning.codes?.some((code) => code === fields.code || code === fields.type) ?? false;
  return byCode || (meaning.message?.test(fields.message) ?? false);
}

/** The outcome a non-2xx reply amounts to. */
export function classifyError(reply: ProviderReply): ProviderFailure {
  const fields = errorFields(reply.json);
  const meaning = MEANINGS.find((row) => matches(row, reply.status, fields));
  if (!meaning) return classifyStatus(reply);
  return failure(meaning.errorCode, meaning.retryable, reply, {
    ...(meaning.variant ? { variant: meaning.variant } : {}),
    retryAfterMs: meaning.wait ? retryAfterMs(reply) : null,
  });
}
