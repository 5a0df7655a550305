/**
 * Anthropic's streamed Messages: `message_start` (model, input tokens), `content_block_delta`
 * (`text_delta` answer text, `thinking_delta` reasoning), `message_delta` (stop reason, output
 * tokens so far), `message_stop`, `ping`, and `event: error` — which can come after the 200.
 */
import { isRecord } from '../classify.js';
import { nonEmpty, type FoldedStream } from './folded.js';
import type { TimedMessage } from './pieces.js';

export function foldAnthropic(messages: readonly TimedMessage[]): FoldedStream {
  const deltaTimes: number[] = [];
  let text = '';
  let message: Record<string, unknown> | null = null;
  let usage: Record<string, unknown> = {};
  let stopReason: unknown = null;
  for (const { event, json, atMs } of messages) {
    if (!isRecord(json)) continue;
    const type = json.type ?? event;
    if (type === 'error' || event === 'error') return { body: null, deltaTimes, error: json };
    if (type === 'message_start' && isRecord(json.message)) {
      message = json.message;
      if (isRecord(json.message.usage)) usage = { ...json.message.usage };
    } else if (type === 'content_block_delta' && isRecord(json.delta)) {
      const piece = nonEmpty(json.delta.text);
      if (piece !== null) text += piece;
      if (piece !== null || nonEmpty(json.delta.thinking) !== null) deltaTimes.push(atMs);
    } else if (type === 'message_delta') {
      if (isRecord(json.usage)) usage = { ...usage, ...json.usage };
      if (isRecord(json.delta) && json.delta.stop_reason !== undefined) stopReason = json.delta.stop_reason;
    }
  }
  if (message === null) return { body: null, deltaTimes, error: null };
  return {
    body: { ...message, type: 'message', content: [{ type: 'text', text }], stop_reason: stopReason, usage },
    deltaTimes,
    error: null,
  };
}
