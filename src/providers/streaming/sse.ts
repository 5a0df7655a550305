/**
 * Server-sent events (OpenAI-style chat completions, Azure, llama.cpp, Anthropic) parsed by
 * eventsource-parser: each event is stamped with the arrival time of the piece that completed it.
 */
import { createParser } from 'eventsource-parser';
import { decodedPieces, parseJson, type TimedMessage, type TimedPiece } from './pieces.js';

export function sseMessages(pieces: readonly TimedPiece[]): TimedMessage[] {
  const messages: TimedMessage[] = [];
  let atMs = 0;
  const parser = createParser({
    onEvent: ({ event, data }) => messages.push({ event: event ?? null, data, json: parseJson(data), atMs }),
  });
  for (const piece of decodedPieces(pieces)) {
    atMs = piece.atMs;
    parser.feed(piece.text);
  }
  // A last event without its closing blank line still counts: the server has finished.
  parser.feed('\n\n');
  return messages;
}
