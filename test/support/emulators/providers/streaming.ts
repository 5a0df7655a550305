/**
 * Streaming for the provider emulators. A request that asks for a stream (`stream: true`) is
 * checked the way the real server checks it, then handed to the provider's handler as if it had
 * not asked, so every scenario plays unchanged; a successful answer is then sent as that
 * provider's stream — SSE chunks for OpenAI-style servers (llama.cpp adds `timings`), Anthropic's
 * SSE events, or Ollama's NDJSON lines — paced by a script: wait, then K tokens M ms apart, an
 * error after the 200, a trickle that never ends, a cold model load. Failures (non-2xx) and
 * bodies that are not an answer go out as they are, as real servers send them before streaming.
 * Every send is stamped (performance.now, the service's clock in-process) for the tests.
 */
import { performance } from 'node:perf_hooks';
import type { Exchange, Handler } from './harness.js';

export type StreamFormat = 'chat' | 'llama.cpp' | 'azure' | 'anthropic' | 'ollama';

export interface StreamScript {
  /** Before the first token, after the headers and the opening event. Default 0. */
  waitMs?: number;
  /** Tokens to send; default: the scenario's reply, a word a token. `Infinity` trickles until the client leaves. */
  tokens?: number;
  /** Between tokens. Default 0. */
  intervalMs?: number;
  /** Sends the provider's in-stream error after this many tokens, then ends the stream. */
  errorAfter?: number;
  /** The error to send (its shape is the provider's); default: the provider's server-side error. */
  error?: unknown;
  /** Ollama: the first streamed call reports (and takes) this long a load; later calls report a warm few ms. */
  coldLoadMs?: number;
  /** Answer a request carrying `stream_options` with 400, as servers that do not know the field do. */
  refuseStreamOptions?: boolean;
  /** Ignore `include_usage`, as servers that stream no token counts do. */
  noUsage?: boolean;
}

/** What the emulator did with one streamed request, on the shared clock. */
export interface StreamSendLog {
  receivedAt: number;
  /** When each token left. */
  tokenTimes: number[];
  endedAt: number | null;
  /** The provider's own figures in the last message (usage, timings, durations), as sent. */
  final: Record<string, unknown> | null;
}

export interface StreamControl {
  script: StreamScript;
  log: StreamSendLog[];
  streamedCalls: number;
}

const WARM_LOAD_NS = 12_500_000;
const NS_PER_MS = 1e6;

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A one-piece answer's text, model and why it ended, as the stream must say them too. */
interface OnePieceAnswer {
  text: string;
  model: string;
  /** The provider's own end reason (`finish_reason`, `stop_reason`, `done_reason`): a cut-off or filtered answer streams as one. */
  ended: string | null;
}

/** The one-piece answer in the provider's shape, or `null` when it is not an answer. */
function answerOf(format: StreamFormat, body: unknown): OnePieceAnswer | null {
  const json = asRecord(body);
  const reason = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  if (format === 'anthropic') {
    const block = asRecord(Array.isArray(json.content) ? json.content[0] : undefined);
    const text = typeof block.text === 'string' ? block.text : Array.isArray(json.content) && json.content.length === 0 ? '' : null;
    return json.type === 'message' && text !== null ? { text, model: String(json.model), ended: reason(json.stop_reason) } : null;
  }
  if (format === 'ollama') {
    const message = asRecord(json.message);
    return json.done === true && typeof message.content === 'string' ? { text: message.content, model: String(json.model), ended: reason(json.done_reason) } : null;
  }
  const choice = asRecord(Array.isArray(json.choices) ? json.choices[0] : undefined);
  const message = asRecord(choice.message);
  const text = typeof message.content === 'string' ? message.content : message.content === null && 'finish_reason' in choice ? '' : null;
  return text !== null ? { text, model: String(json.model), ended: reason(choice.finish_reason) } : null;
}

function defaultError(format: StreamFormat): unknown {
  switch (format) {
    case 'anthropic':
      return { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    case 'ollama':
      return { error: 'an error was encountered while running the model: unexpected EOF' };
    default:
      // OpenRouter's mid-stream error chunk.
      return {
        id: 'gen-emulated',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'emulated',
        error: { code: 502, message: 'Provider returned error' },
        choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
      };
  }
}

/** Writes one stream in one provider's format. */
class StreamWriter {
  constructor(
    private readonly ex: Exchange,
    private readonly format: StreamFormat,
    private readonly model: string,
    private readonly includeUsage: boolean,
  ) {}

  private sse(data: unknown, event?: string): void {
    this.ex.res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }

  private chunk(choices: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { id: 'chatcmpl-emulated', object: 'chat.completion.chunk', created: 1_700_000_000, model: this.model, choices, ...extra };
  }

  open(): void {
    const type = this.format === 'ollama' ? 'application/x-ndjson' : 'text/event-stream';
    this.ex.res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
    if (this.format === 'anthropic') {
      this.sse(
        {
          type: 'message_start',
          message: { id: 'msg_emulated', type: 'message', role: 'assistant', model: this.model, content: [], stop_reason: null, usage: { input_tokens: 14, output_tokens: 1 } },
        },
        'message_start',
      );
      this.sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
      this.sse({ type: 'ping' }, 'ping');
    } else if (this.format !== 'ollama') {
      if (this.format === 'azure') this.sse({ id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] });
      // The opening chunk carries the role and no text: it is not the first token.
      this.sse(this.chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    }
  }

  token(text: string): void {
    if (this.format === 'anthropic') this.sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta');
    else if (this.format === 'ollama')
      this.ex.res.write(`${JSON.stringify({ model: this.model, created_at: '2025-01-31T10:00:00.000Z', message: { role: 'assistant', content: text }, done: false })}\n`);
    else this.sse(this.chunk([{ index: 0, delta: { content: text }, finish_reason: null }]));
  }

  error(error: unknown): void {
    if (this.format === 'anthropic') this.sse(error, 'error');
    else if (this.format === 'ollama') this.ex.res.write(`${JSON.stringify(error)}\n`);
    else this.sse(error);
    this.ex.res.end();
  }

  /** Ends the stream with the provider's figures; returns them. */
  finish(tokens: number, generationMs: number, loadNs: number, ended: string | null): Record<string, unknown> {
    const usage = { prompt_tokens: 12, completion_tokens: tokens, total_tokens: 12 + tokens };
    let final: Record<string, unknown>;
    if (this.format === 'anthropic') {
      final = { usage: { output_tokens: tokens } };
      this.sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop');
      this.sse({ type: 'message_delta', delta: { stop_reason: ended ?? 'end_turn', stop_sequence: null }, ...final }, 'message_delta');
      this.sse({ type: 'message_stop' }, 'message_stop');
    } else if (this.format === 'ollama') {
      const evalNs = Math.max(1, Math.round(generationMs * NS_PER_MS));
      final = {
        load_duration: loadNs,
        prompt_eval_count: 26,
        prompt_eval_duration: 130_000_000,
        eval_count: tokens,
        eval_duration: evalNs,
        total_duration: loadNs + 130_000_000 + evalNs,
      };
      this.ex.res.write(
        `${JSON.stringify({ model: this.model, created_at: '2025-01-31T10:00:01.000Z', message: { role: 'assistant', content: '' }, done: true, done_reason: ended ?? 'stop', ...final })}\n`,
      );
    } else {
      const timings =
        this.format === 'llama.cpp'
          ? {
              timings: {
                cache_n: 0,
                prompt_n: 12,
                prompt_ms: 35.1,
                predicted_n: tokens,
                predicted_ms: generationMs,
                predicted_per_second: generationMs > 0 ? (tokens / generationMs) * 1000 : 0,
              },
            }
          : {};
      // llama.cpp since PR ggml-org/llama.cpp#15444 (see #16048) always ends with a `choices: []` chunk holding usage and timings.
      const usageChunk = this.includeUsage || this.format === 'llama.cpp';
      final = { ...(usageChunk ? { usage } : {}), ...timings };
      this.sse(this.chunk([{ index: 0, delta: {}, finish_reason: ended ?? 'stop' }]));
      if (usageChunk) this.sse(this.chunk([], final));
      this.sse('[DONE]');
    }
    this.ex.res.end();
    return final;
  }
}

function streamOptionsViolation(json: Record<string, unknown>): string | null {
  if (json.stream_options === undefined) return null;
  const options = asRecord(json.stream_options);
  return typeof options.include_usage === 'boolean' ? null : 'stream_options.include_usage must be a boolean';
}

/** Plays `script` for one answer. */
function play(ex: Exchange, format: StreamFormat, answer: OnePieceAnswer, control: StreamControl, includeUsage: boolean, log: StreamSendLog): void {
  const { script } = control;
  const pieces = answer.text.split(/(?<= )/);
  const total = script.tokens ?? pieces.length;
  const pieceAt = (index: number): string => (script.tokens === undefined ? (pieces[index] ?? '') : `tok${index} `);
  const loadMs = format === 'ollama' && script.coldLoadMs !== undefined && control.streamedCalls === 1 ? script.coldLoadMs : 0;
  const loadNs = loadMs > 0 ? Math.round(loadMs * NS_PER_MS) : WARM_LOAD_NS;
  const writer = new StreamWriter(ex, format, answer.model, includeUsage);
  writer.open();
  let sent = 0;
  const next = (): void => {
    if (ex.res.destroyed) return;
    if (script.errorAfter !== undefined && sent >= script.errorAfter) {
      writer.error(script.error ?? defaultError(format));
      log.endedAt = performance.now();
      return;
    }
    if (sent >= total) {
      const first = log.tokenTimes[0] ?? performance.now();
      const last = log.tokenTimes.at(-1) ?? first;
      log.final = writer.finish(total, Math.round((last - first) * 10) / 10, loadNs, answer.ended);
      log.endedAt = performance.now();
      return;
    }
    writer.token(pieceAt(sent));
    log.tokenTimes.push(performance.now());
    sent += 1;
    ex.later(script.intervalMs ?? 0, next);
  };
  ex.later((script.waitMs ?? 0) + loadMs, next);
}

/** Wraps a provider's handler so that a request for a stream is answered with one. */
export function streamable(format: StreamFormat, inner: Handler, control: StreamControl): Handler {
  return (ex) => {
    const json = asRecord(ex.request.json);
    if (json.stream !== true) return inner(ex);
    const receivedAt = performance.now();
    const isChat = format !== 'anthropic' && format !== 'ollama';
    if (!isChat && json.stream_options !== undefined) return void ex.reject('stream_options is an OpenAI field');
    const problem = streamOptionsViolation(json);
    if (problem) return void ex.reject(problem);
    if (control.script.refuseStreamOptions && json.stream_options !== undefined) {
      return ex.json(400, { error: { message: 'Unrecognized request argument supplied: stream_options', type: 'invalid_request_error', param: 'stream_options', code: null } });
    }
    const includeUsage = asRecord(json.stream_options).include_usage === true && !control.script.noUsage;
    const { stream: _stream, stream_options: _options, ...rest } = json;
    const unstreamed = { ...rest, stream: false };
    const send = ex.json.bind(ex);
    const wrapped: Exchange = {
      ...ex,
      request: { ...ex.request, json: unstreamed, body: JSON.stringify(unstreamed) },
      json(status, body, options) {
        const answer = status >= 200 && status < 300 ? answerOf(format, body) : null;
        if (answer === null) return send(status, body, options);
        control.streamedCalls += 1;
        const log: StreamSendLog = { receivedAt, tokenTimes: [], endedAt: null, final: null };
        control.log.push(log);
        const start = (): void => play(ex, format, answer, control, includeUsage, log);
        if (options?.delayMs) ex.later(options.delayMs, start);
        else start();
      },
    };
    inner(wrapped);
  };
}
