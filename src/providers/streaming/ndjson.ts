/** Newline-delimited JSON (Ollama's native stream): one object a line, stamped when its line ended. */
import { parseJson, textReader, type MessageReader, type TimedMessage } from './pieces.js';

export function ndjsonReader(): MessageReader {
  const messages: TimedMessage[] = [];
  let pending = '';
  let atMs = 0;
  const flush = (line: string): void => {
    if (line.trim() !== '') messages.push({ event: null, data: line, json: parseJson(line), atMs });
  };
  return textReader(
    messages,
    (text, at) => {
      atMs = at;
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(flush);
    },
    () => flush(pending),
  );
}
