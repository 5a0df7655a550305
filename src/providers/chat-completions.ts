/**
 * The OpenAI chat-completions shape, spoken by llama.cpp, Azure OpenAI and every
 * OpenAI-compatible server. Each of those adapters owns its URL, auth and error meanings;
 * this module only knows the body going out and the answer coming back.
 */
import { compactTimings, count, failure, isRecord, successBody } from './classify.js';
import type { ChatAnswer, ProviderFailure, ProviderReply, ProviderTimings } from './types.js';

/** Enough for a one-line answer; a test should not run up a bill or a long generation. */
export const TEST_MAX_TOKENS = 64;

export function chatCompletionBody(model: string | null, prompt: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...(model ? { model } : {}),
    messages: [{ role: 'user', content: prompt }],
    stream: false,
    ...extra,
  };
}

function contentText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (content === null) return '';
  if (Array.isArray(content)) {
    return content
      .map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
      .join('');
  }
  return null;
}

function usageTimings(body: Record<string, unknown>): ProviderTimings {
  const usage = isRecord(body.usage) ? body.usage : {};
  return { promptTokens: count(usage.prompt_tokens), completionTokens: count(usage.completion_tokens) };
}

/** The first choice's text. Empty `choices` or a choice without a message is not an answer. */
export function readChatCompletion(reply: ProviderReply, requestedModel: string | null, extraTimings: ProviderTimings = {}): ChatAnswer | ProviderFailure {
  const parsed = successBody(reply);
  if (parsed.kind === 'failure') return parsed;
  const { body } = parsed;
  const choices = body.choices;
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  const message = isRecord(first) ? first.message : undefined;
  const text = isRecord(message) ? contentText(message.content) : null;
  if (text === null) return failure('INVALID_RESPONSE', false, reply, { variant: 'noAnswer' });
  return {
    kind: 'answer',
    text,
    modelName: typeof body.model === 'string' && body.model.length > 0 ? body.model : requestedModel,
    timings: compactTimings({ ...usageTimings(body), ...extraTimings }),
  };
}
