/** Newline-delimited JSON (Ollama's native stream): one object a line, stamped when its line ended. */
import { decodedPieces, parseJson, type TimedMessage, type TimedPiece } from './pieces.js';

export function ndjsonMessages(pieces: readonly TimedPiece[]): TimedMessage[] {
  const messages: TimedMessage[] = [];
  let pending = '';
  let atMs = 0;
  const flush = (line: string): void => {
    if (line.trim() !== '') messages.push({ event: null, data: line, json: parseJson(line), atMs });
  };
  for (const piece of decodedPieces(pieces)) {
    atMs = piece.atMs;
    const lines = (pending + piece.text).split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(flush);
  }
  flush(pending);
  return messages;
}
