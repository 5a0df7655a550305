/**
 * Streamed test requests: the adapter's planned request asks for a stream, the answer's pieces
 * are timed and read as they arrive (through the same outbound call, so caps, deadlines, redirect refusal,
 * address policy and cancellation are unchanged), and the stream is folded back into the reply
 * the server would have sent in one piece, which the adapter reads as it always does.
 */
import { failure, isRecord, isSuccessStatus } from '../classify.js';
import type { ChatAnswer, ChatPlan, OutboundRequest, ProviderAdapter, ProviderFailure, ProviderReply, ProviderType } from '../types.js';
import { foldAnthropic } from './anthropic.js';
import { foldChatCompletions } from './chat-completions.js';
import { asStreamedFailure, replyForStreamedError } from './errors.js';
import type { FoldedStream } from './folded.js';
import { ndjsonReader } from './ndjson.js';
import { foldOllama } from './ollama.js';
import type { MessageReader, TimedMessage } from './pieces.js';
import { sseReader } from './sse.js';

export type { MessageReader } from './pieces.js';

interface StreamProtocol {
  accept: string;
  /** The planned body, asking for a stream. */
  body(json: Record<string, unknown>): Record<string, unknown>;
  /** Whether the reply is this protocol's stream at all (a server may ignore the request for one). */
  isStream(reply: ProviderReply): boolean;
  /** Reads the body's messages as it arrives. */
  reader(): MessageReader;
  fold(messages: readonly TimedMessage[]): FoldedStream;
}

function header(reply: ProviderReply, name: string): string {
  const value = reply.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Some proxies label a stream `text/plain`; its first field gives it away. */
function isSse(reply: ProviderReply): boolean {
  return header(reply, 'content-type').includes('text/event-stream') || /^\s*(data|event|id|retry):|^\s*:/.test(reply.body.slice(0, 64));
}

const chatCompletions: StreamProtocol = {
  accept: 'text/event-stream',
  // Without include_usage a stream carries no token count; a server that refuses it is asked again unstreamed.
  body: (json) => ({ ...json, stream: true, stream_options: { include_usage: true } }),
  isStream: isSse,
  reader: sseReader,
  fold: foldChatCompletions,
};

const PROTOCOLS: Record<ProviderType, StreamProtocol> = {
  'llama.cpp': chatCompletions,
  azure: chatCompletions,
  custom: chatCompletions,
  anthropic: { accept: 'text/event-stream', body: (json) => ({ ...json, stream: true }), isStream: isSse, reader: sseReader, fold: foldAnthropic },
  // Ollama's one-piece answer is a single NDJSON line, so every 2xx is read as a stream.
  ollama: { accept: 'application/x-ndjson', body: (json) => ({ ...json, stream: true }), isStream: () => true, reader: ndjsonReader, fold: foldOllama },
};

/** The planned request, asking for a streamed answer; `null` when the plan has no JSON body to ask in. */
export function streamRequest(providerType: ProviderType, plan: ChatPlan): OutboundRequest | null {
  const { request } = plan;
  if (!isRecord(request.json)) return null;
  const protocol = PROTOCOLS[providerType];
  return { ...request, headers: { ...request.headers, accept: protocol.accept }, json: protocol.body(request.json) };
}

/** A reader for the streamed answer's body, fed while it arrives and ended when it has. */
export function streamReader(providerType: ProviderType): MessageReader {
  return PROTOCOLS[providerType].reader();
}

/**
 * A server that does not take `stream` or `stream_options` (LM Studio is reported not to; Mistral
 * refuses unknown fields with 422) says so in a 400/422 naming the field.
 */
export function refusesStreaming(reply: ProviderReply): boolean {
  return (reply.status === 400 || reply.status === 422) && /stream/i.test(reply.body);
}

export interface StreamedRead {
  result: ChatAnswer | ProviderFailure;
  /** Arrival times of the answer's pieces; empty when nothing streamed. */
  deltaTimes: number[];
  /** The provider reported the failure inside the stream, after a 200. */
  streamedError: boolean;
}

export function readStream(providerType: ProviderType, adapter: ProviderAdapter, plan: ChatPlan, reply: ProviderReply, messages: readonly TimedMessage[]): StreamedRead {
  const protocol = PROTOCOLS[providerType];
  const plain = (): StreamedRead => ({ result: adapter.read(reply, plan), deltaTimes: [], streamedError: false });
  if (!isSuccessStatus(reply.status) || !protocol.isStream(reply)) return plain();
  const folded = protocol.fold(messages);
  if (folded.error !== null) {
    const standIn = replyForStreamedError(folded.error, reply);
    const read = adapter.read(standIn.reply, plan);
    const judged = read.kind === 'failure' ? read : failure('INVALID_RESPONSE', false, standIn.reply, { variant: 'errorBody' });
    return { result: asStreamedFailure(judged, reply, standIn.named), deltaTimes: folded.deltaTimes, streamedError: true };
  }
  if (folded.body === null) return plain();
  const foldedReply: ProviderReply = { kind: 'reply', status: reply.status, headers: reply.headers, body: JSON.stringify(folded.body), json: folded.body };
  return { result: adapter.read(foldedReply, plan), deltaTimes: folded.deltaTimes, streamedError: false };
}
