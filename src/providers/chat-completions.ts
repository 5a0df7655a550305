/**
 * The OpenAI chat-completions shape, spoken by llama.cpp, Azure OpenAI and every
 * OpenAI-compatible server. Each of those adapters owns its URL, auth and error meanings;
 * this module knows the body going out (and how to fix it once when a server refuses a field)
 * and the answer coming back.
 */
import { compactTimings, count, errorFields, failure, isRecord, successBody } from './classify.js';
import type { ChatAnswer, ChatPlan, Note, ProviderFailure, ProviderReply, ProviderTimings } from './types.js';

/** Enough for a one-line answer; a test should not run up a bill or a long generation. */
export const TEST_MAX_TOKENS = 64;
/** Reasoning models spend their budget thinking before they answer: 64 leaves nothing for the answer. */
const REASONING_MAX_TOKENS = 1024;

/**
 * OpenAI's reasoning families (o1, o3, o4-mini, gpt-5 and later) refuse `max_tokens` and any
 * non-default `temperature`. `gpt-5-chat-latest` is the non-reasoning snapshot.
 */
function isReasoningModel(model: string): boolean {
  const name = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  if (/^o\d/.test(name)) return true;
  return /^gpt-([5-9]|\d{2,})/.test(name) && !/^gpt-[\d.]+-chat/.test(name);
}

/**
 * The answer budget in the field the model's family takes. `max_completion_tokens` goes only to
 * OpenAI's own reasoning ids: Mistral refuses it (422 extra_forbidden) and other servers may
 * ignore it. A router's `vendor/model` id gets the common field, which the router translates.
 */
export function answerBudget(model: string | null): Record<string, unknown> {
  if (model === null || !isReasoningModel(model)) return { max_tokens: TEST_MAX_TOKENS };
  if (model.includes('/')) return { max_tokens: REASONING_MAX_TOKENS };
  return { max_completion_tokens: REASONING_MAX_TOKENS, reasoning_effort: 'low' };
}

export function chatCompletionBody(model: string | null, prompt: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...(model ? { model } : {}),
    messages: [{ role: 'user', content: prompt }],
    stream: false,
    ...extra,
  };
}

const FIXABLE_CODES = new Set(['unsupported_parameter', 'unsupported_value', 'extra_forbidden']);
const ESSENTIAL_FIELDS = new Set(['model', 'messages', 'stream']);
/** Where the answer budget goes when a server refuses the field it was sent in. */
const BUDGET_SWAPS: Record<string, string> = { max_tokens: 'max_completion_tokens', max_completion_tokens: 'max_tokens' };

/**
 * The planned request with the fields a server refused fixed, or `null` when the refusal names
 * no field this request sent. OpenAI's reasoning models answer 400
 * `unsupported_parameter`/`unsupported_value` naming `param`; Mistral answers 422
 * `extra_forbidden` naming each field in `loc`. The budget moves to the field the server takes;
 * any other refused field is left out. The caller sends the fixed request once, never again.
 */
export function revisedChatPlan(reply: ProviderReply, plan: ChatPlan): ChatPlan | null {
  if (reply.status !== 400 && reply.status !== 422) return null;
  const fields = errorFields(reply.json);
  const sent = plan.request.json;
  if (!fields || !FIXABLE_CODES.has(fields.code ?? '') || !isRecord(sent)) return null;
  const refused = fields.params.filter((param) => Object.hasOwn(sent, param) && !ESSENTIAL_FIELDS.has(param));
  if (refused.length === 0) return null;
  const body: Record<string, unknown> = { ...sent };
  const notes: Note[] = [];
  for (const field of refused) {
    const value = body[field];
    delete body[field];
    const replacement = BUDGET_SWAPS[field];
    if (replacement !== undefined && !Object.hasOwn(body, replacement) && !refused.includes(replacement)) {
      body[replacement] = replacement === 'max_completion_tokens' ? Math.max(count(value) ?? 0, REASONING_MAX_TOKENS) : value;
      notes.push({ key: 'outcome.note.fieldReplaced', params: { field, replacement } });
    } else {
      notes.push({ key: 'outcome.note.fieldDropped', params: { field } });
    }
  }
  return { ...plan, request: { ...plan.request, json: body }, notes: [...plan.notes, ...notes] };
}

function contentText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (content === null) return '';
  if (Array.isArray(content)) {
    return content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('');
  }
  return null;
}

function usageTimings(body: Record<string, unknown>): ProviderTimings {
  const usage = isRecord(body.usage) ? body.usage : {};
  return { promptTokens: count(usage.prompt_tokens), completionTokens: count(usage.completion_tokens) };
}

export interface ReadOptions {
  /** Figures the server reported beside `usage`. */
  timings?: ProviderTimings;
  /** The name to report instead of the reply's `model`, for servers that echo whatever was asked. */
  modelName?: string | null;
}

/**
 * The first choice's text. Empty `choices` or a choice without a message is not an answer; an
 * empty answer cut off at the budget (a reasoning model that spent it all thinking) and an
 * answer withheld by a content filter are outcomes of their own, never a success.
 */
export function readChatCompletion(reply: ProviderReply, requestedModel: string | null, options: ReadOptions = {}): ChatAnswer | ProviderFailure {
  const parsed = successBody(reply);
  if (parsed.kind === 'failure') return parsed;
  const { body } = parsed;
  const choices = body.choices;
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  const message = isRecord(first) ? first.message : undefined;
  const text = isRecord(message) ? contentText(message.content) : null;
  if (text === null) return failure('INVALID_RESPONSE', false, reply, { variant: 'noAnswer' });
  const finish = isRecord(first) ? first.finish_reason : undefined;
  if (finish === 'content_filter') return failure('CONTENT_FILTERED', false, reply, { variant: 'answer', providerCode: 'content_filter' });
  if (finish === 'length' && text.trim() === '') return failure('ANSWER_CUT_OFF', false, reply);
  const replyModel = typeof body.model === 'string' && body.model.length > 0 ? body.model : null;
  return {
    kind: 'answer',
    text,
    modelName: options.modelName !== undefined ? (options.modelName ?? requestedModel) : (replyModel ?? requestedModel),
    timings: compactTimings({ ...usageTimings(body), ...options.timings }),
  };
}
