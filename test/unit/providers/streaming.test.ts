/**
 * The stream readers on their own: bodies cut at awkward places (inside an event, inside a
 * UTF-8 character, CRLF line ends), the pieces that are not tokens, reasoning deltas, and the
 * errors that come after a 200.
 */
import { foldAnthropic } from '../../../src/providers/streaming/anthropic.js';
import { foldChatCompletions } from '../../../src/providers/streaming/chat-completions.js';
import { ndjsonReader } from '../../../src/providers/streaming/ndjson.js';
import { foldOllama } from '../../../src/providers/streaming/ollama.js';
import type { MessageReader, TimedMessage, TimedPiece } from '../../../src/providers/streaming/pieces.js';
import { sseReader } from '../../../src/providers/streaming/sse.js';
import { speedFigures, speedVerdict } from '../../../src/prompt-test/speed.js';

/** Cuts `text` into pieces of `size` bytes, the n-th arriving at n*10 ms. */
function pieces(text: string, size: number): TimedPiece[] {
  const bytes = Buffer.from(text, 'utf8');
  const out: TimedPiece[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push({ chunk: bytes.subarray(at, at + size), atMs: (at / size) * 10 });
  return out;
}

/** Feeds every piece, as they would arrive, and ends the stream. */
function readAll(reader: MessageReader, all: TimedPiece[]): TimedMessage[] {
  for (const piece of all) reader.feed(piece);
  return reader.end();
}

const sseMessages = (all: TimedPiece[]): TimedMessage[] => readAll(sseReader(), all);
const ndjsonMessages = (all: TimedPiece[]): TimedMessage[] => readAll(ndjsonReader(), all);

const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\r\n\r\n`;

describe('OpenAI-style SSE', () => {
  const body = [
    chunk({ role: 'assistant', content: '' }),
    chunk({ reasoning_content: 'thinking' }),
    chunk({ content: 'Hé' }),
    chunk({ content: 'llo ✓' }),
    `data: ${JSON.stringify({ object: 'chat.completion.chunk', model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 }, timings: { predicted_n: 4 } })}\n\n`,
    'data: [DONE]\n\n',
  ].join('');

  test.each([1, 3, 7, 64, 10_000])('folds the same answer whatever the piece size (%i bytes)', (size) => {
    const folded = foldChatCompletions(sseMessages(pieces(body, size)));
    expect(folded.error).toBeNull();
    expect(folded.body).toMatchObject({ model: 'm', choices: [{ message: { content: 'Héllo ✓' } }], usage: { completion_tokens: 4 }, timings: { predicted_n: 4 } });
    // The role chunk is not a token; the reasoning delta is.
    expect(folded.deltaTimes).toHaveLength(3);
  });

  test('an error chunk after the answer started is the error, in its own shape', () => {
    const error = { error: { code: 502, message: 'Provider returned error' }, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }] };
    const folded = foldChatCompletions(sseMessages(pieces(`${chunk({ content: 'Hi' })}data: ${JSON.stringify(error)}\n\n`, 5)));
    expect(folded.body).toBeNull();
    expect(folded.error).toEqual(error);
    expect(folded.deltaTimes).toHaveLength(1);
  });

  test('a last event without its closing blank line still counts', () => {
    const folded = foldChatCompletions(sseMessages(pieces(chunk({ content: 'Hi' }).trimEnd(), 4)));
    expect(folded.body).toMatchObject({ choices: [{ message: { content: 'Hi' } }] });
  });
});

describe('Anthropic SSE', () => {
  const event = (name: string, data: Record<string, unknown>) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
  test('folds text and usage; thinking deltas are timed but not shown; event: error ends it', () => {
    const body =
      event('message_start', { message: { model: 'claude-haiku-4-5', usage: { input_tokens: 9, output_tokens: 1 } } }) +
      event('content_block_delta', { delta: { type: 'thinking_delta', thinking: 'hm' } }) +
      event('content_block_delta', { delta: { type: 'text_delta', text: 'Ready' } }) +
      event('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }) +
      event('message_stop', {});
    const folded = foldAnthropic(sseMessages(pieces(body, 9)));
    expect(folded.body).toMatchObject({ type: 'message', model: 'claude-haiku-4-5', content: [{ type: 'text', text: 'Ready' }], usage: { input_tokens: 9, output_tokens: 2 } });
    expect(folded.deltaTimes).toHaveLength(2);

    const failed = foldAnthropic(
      sseMessages(pieces(event('message_start', { message: { model: 'x' } }) + event('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }), 9)),
    );
    expect(failed.error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });
});

describe('Ollama NDJSON', () => {
  test('joins the pieces and keeps the final durations; an error line is the error', () => {
    const lines = [
      { model: 'llama3.2', message: { role: 'assistant', content: 'Rea' }, done: false },
      { model: 'llama3.2', message: { role: 'assistant', content: 'dy.' }, done: false },
      { model: 'llama3.2', message: { role: 'assistant', content: '' }, done: true, load_duration: 2e9, eval_count: 2, eval_duration: 1e8 },
    ];
    const folded = foldOllama(ndjsonMessages(pieces(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`, 11)));
    expect(folded.body).toMatchObject({ done: true, load_duration: 2e9, eval_count: 2, message: { content: 'Ready.' } });
    expect(folded.deltaTimes).toHaveLength(2);
    const failed = foldOllama(ndjsonMessages(pieces(`${JSON.stringify(lines[0])}\n{"error":"unexpected EOF"}\n`, 11)));
    expect(failed.error).toEqual({ error: 'unexpected EOF' });
  });
});

describe('speed figures', () => {
  test('the provider’s own rate wins; counts over the stream come next; counted pieces last', () => {
    const stream = { startedAt: 100, deltaTimes: [400, 450, 500, 550, 600] };
    expect(speedFigures({ completionTokens: 5, tokensPerSecond: 33.3 }, stream)).toEqual({
      timeToFirstTokenMs: 300,
      outputTokens: 5,
      tokensPerSecond: 33.3,
      tokensPerSecondSource: 'provider',
    });
    expect(speedFigures({ completionTokens: 9 }, stream)).toMatchObject({ tokensPerSecond: 40, tokensPerSecondSource: 'provider' });
    expect(speedFigures(null, stream)).toMatchObject({ outputTokens: 5, tokensPerSecond: 20, tokensPerSecondSource: 'estimated' });
    expect(speedFigures({ completionTokens: 4, evalMs: 200 }, null)).toEqual({ outputTokens: 4, tokensPerSecond: 20, tokensPerSecondSource: 'provider' });
  });

  test('a load of half a second or more is a cold start; a warm call’s few milliseconds are not', () => {
    expect(speedFigures({ loadMs: 2000 }, null)).toEqual({ loadMs: 2000, coldStart: true });
    expect(speedFigures({ loadMs: 12.5 }, null)).toEqual({ loadMs: 12.5, coldStart: false });
  });

  test('the verdict reads the figures in the learner’s language', () => {
    expect(speedVerdict('en', { timeToFirstTokenMs: 400, tokensPerSecond: 60 }, 900)).toBe('Fast: the answer started after 0.4 s and came at about 45 words a second.');
    expect(speedVerdict('es', { timeToFirstTokenMs: 400, tokensPerSecond: 60 }, 900)).toBe('Rápido: la respuesta empezó a los 0,4 s y llegó a unas 45 palabras por segundo.');
    expect(speedVerdict('en', { timeToFirstTokenMs: 12_000, coldStart: true, loadMs: 11_000 }, 12_500)).toBe(
      'The first answer took 12.0 s because the model had to load; the next ones will be faster.',
    );
    expect(speedVerdict('en', { timeToFirstTokenMs: 5200, tokensPerSecond: 3 }, 9000)).toMatch(/^Slow: .* A smaller model or a faster computer would help\.$/);
    expect(speedVerdict('en', {}, 900)).toBeNull();
  });
});
