/**
 * OpenAI-style `chat.completion.chunk` events (OpenAI, Azure, llama.cpp, OpenRouter, vLLM, LM
 * Studio ...), ended by `data: [DONE]`. Answer text comes in `delta.content`; reasoning in
 * `delta.reasoning_content` (llama.cpp, DeepSeek) or `delta.reasoning` (OpenRouter, vLLM). With
 * `stream_options.include_usage` a last chunk carries `usage`; llama.cpp adds its `timings`.
 * An error after the 200 is a chunk with `error` (OpenRouter `{"error":{"code","message"}}`).
 */
import { isRecord } from '../classify.js';
import { nonEmpty, type FoldedStream } from './folded.js';
import type { TimedMessage } from './pieces.js';

export function foldChatCompletions(messages: readonly TimedMessage[]): FoldedStream {
  const deltaTimes: number[] = [];
  let text = '';
  let model: unknown;
  let finishReason: unknown = null;
  let usage: unknown;
  let timings: unknown;
  let seen = false;
  for (const { event, data, json, atMs } of messages) {
    if (data.trim() === '[DONE]') break;
    if (!isRecord(json)) continue;
    if (event === 'error' || isRecord(json.error) || typeof json.error === 'string' || json.object === 'error') {
      return { body: null, deltaTimes, error: json };
    }
    seen = true;
    model ??= json.model;
    if (isRecord(json.usage)) usage = json.usage;
    if (isRecord(json.timings)) timings = json.timings;
    const choice: unknown = Array.isArray(json.choices) ? json.choices[0] : undefined;
    if (!isRecord(choice)) continue;
    if (choice.finish_reason !== undefined && choice.finish_reason !== null) finishReason = choice.finish_reason;
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const content = nonEmpty(delta.content);
    if (content !== null) text += content;
    if (content !== null || nonEmpty(delta.reasoning_content) !== null || nonEmpty(delta.reasoning) !== null) deltaTimes.push(atMs);
  }
  if (!seen) return { body: null, deltaTimes, error: null };
  return {
    body: {
      ...(model !== undefined ? { model } : {}),
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finishReason }],
      ...(usage !== undefined ? { usage } : {}),
      ...(timings !== undefined ? { timings } : {}),
    },
    deltaTimes,
    error: null,
  };
}
