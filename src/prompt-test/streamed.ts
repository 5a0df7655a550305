/**
 * The streamed form of the test request: asks for a stream, reads each piece as it arrives
 * (with its arrival time), and reads the folded answer with the same adapter. Outcome figures
 * and the verdict on speed are added to a successful outcome from what the stream and the
 * provider told.
 */
import type { Locale } from '../i18n/index.js';
import { readStream, refusesStreaming, streamReader, streamRequest } from '../providers/streaming/index.js';
import type { ChatAnswer, ChatPlan, Note, OutboundRequest, ProviderAdapter, ProviderFailure, ProviderReply, ProviderType } from '../providers/types.js';
import { speedFigures, speedVerdict, type SpeedFigures, type StreamTiming } from './speed.js';

export type StreamExchange = (
  request: OutboundRequest,
  onData: (chunk: Buffer, atMs: number) => void,
) => Promise<{ reply: ProviderReply | ProviderFailure; startedAt: number | null }>;

export interface StreamedChat {
  /** `null`: no stream to be had (the server refused one, and a note says so); ask in one piece. */
  result: ChatAnswer | ProviderFailure | null;
  timing: StreamTiming | null;
  /** The server's reply when it refused the request in one piece (not inside a stream): the adapter may fix and resend. */
  refusal: ProviderReply | null;
}

const STREAM_REFUSED_NOTE: Note = { key: 'outcome.note.streamRefused' };
const STREAMED_ERROR_NOTE: Note = { key: 'outcome.note.streamedError' };

export async function streamedChat(providerType: ProviderType, adapter: ProviderAdapter, plan: ChatPlan, exchange: StreamExchange): Promise<StreamedChat> {
  const request = streamRequest(providerType, plan);
  if (request === null) return { result: null, timing: null, refusal: null };
  const reader = streamReader(providerType);
  const { reply, startedAt } = await exchange(request, (chunk, atMs) => reader.feed({ chunk, atMs }));
  if (reply.kind === 'failure') return { result: reply, timing: null, refusal: null };
  if (refusesStreaming(reply)) {
    plan.notes.push(STREAM_REFUSED_NOTE);
    return { result: null, timing: null, refusal: null };
  }
  const read = readStream(providerType, adapter, plan, reply, reader.end());
  if (read.streamedError) plan.notes.push(STREAMED_ERROR_NOTE);
  const refusal = read.result.kind === 'failure' && !read.streamedError ? reply : null;
  return { result: read.result, timing: startedAt === null ? null : { startedAt, deltaTimes: read.deltaTimes }, refusal };
}

/** The speed figures and verdict of a successful answer. */
export function speedOfAnswer(locale: Locale, answer: ChatAnswer, timing: StreamTiming | null, latencyMs: number): SpeedFigures & { speedVerdict?: string } {
  const figures = speedFigures(answer.timings, timing);
  const verdict = speedVerdict(locale, figures, latencyMs);
  return verdict === null ? figures : { ...figures, speedVerdict: verdict };
}
