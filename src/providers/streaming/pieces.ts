/** A piece of a streamed body as it arrived, with the service clock's time of arrival. */
export interface TimedPiece {
  chunk: Buffer;
  atMs: number;
}

/** Decodes pieces as UTF-8 without breaking a character split between two of them. */
export function* decodedPieces(pieces: readonly TimedPiece[]): Generator<{ text: string; atMs: number }> {
  const decoder = new TextDecoder('utf-8');
  for (const { chunk, atMs } of pieces) yield { text: decoder.decode(chunk, { stream: true }), atMs };
  const rest = decoder.decode();
  if (rest !== '') yield { text: rest, atMs: pieces.at(-1)?.atMs ?? 0 };
}

/** One message of a stream (an SSE event's data, or an NDJSON line), parsed, with its arrival time. */
export interface TimedMessage {
  /** The SSE `event:` name, when there was one. */
  event: string | null;
  /** The raw text of the message. */
  data: string;
  /** `data` parsed as JSON, or `undefined` when it is not JSON. */
  json: unknown;
  atMs: number;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
