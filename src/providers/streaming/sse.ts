/**
 * Server-sent events (OpenAI-style chat completions, Azure, llama.cpp, Anthropic) parsed by
 * eventsource-parser: each event is stamped with the arrival time of the piece that completed it.
 */
import { createParser } from 'eventsource-parser';
import { parseJson, textReader, type MessageReader, type TimedMessage } from './pieces.js';

export function sseReader(): MessageReader {
  const messages: TimedMessage[] = [];
  let atMs = 0;
  const parser = createParser({
    onEvent: ({ event, data }) => messages.push({ event: event ?? null, data, json: parseJson(data), atMs }),
  });
  return textReader(
    messages,
    (text, at) => {
      atMs = at;
      parser.feed(text);
    },
    // A last event without its closing blank line still counts: the server has finished.
    () => parser.feed('\n\n'),
  );
}
