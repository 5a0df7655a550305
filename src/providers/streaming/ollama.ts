/**
 * Ollama's native stream: one JSON object a line, each with a piece of `message.content` (or
 * `message.thinking`), the last with `done: true` and the durations (nanoseconds). An error after
 * the 200 is a line `{"error":"..."}`. A server that answers in one piece sends one `done` line.
 */
import { isRecord } from '../classify.js';
import { nonEmpty, type FoldedStream } from './folded.js';
import type { TimedMessage } from './pieces.js';

export function foldOllama(messages: readonly TimedMessage[]): FoldedStream {
  const deltaTimes: number[] = [];
  let text = '';
  let last: Record<string, unknown> | null = null;
  for (const { json, atMs } of messages) {
    if (!isRecord(json)) continue;
    if (json.error !== undefined && json.error !== null) return { body: null, deltaTimes, error: json };
    last = json;
    const message = isRecord(json.message) ? json.message : {};
    const piece = nonEmpty(message.content);
    if (piece !== null) text += piece;
    if (piece !== null || nonEmpty(message.thinking) !== null) deltaTimes.push(atMs);
    if (json.done === true) break;
  }
  if (last === null) return { body: null, deltaTimes, error: null };
  const message = isRecord(last.message) ? last.message : { role: 'assistant' };
  return { body: { ...last, message: { ...message, content: text } }, deltaTimes, error: null };
}
