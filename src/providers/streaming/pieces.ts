/** A piece of a streamed body as it arrived, with the service clock's time of arrival. */
export interface TimedPiece {
  chunk: Buffer;
  atMs: number;
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

/**
 * Reads a stream's messages as its pieces arrive, so the work is done while the server is still
 * sending rather than after its last byte. Pieces are decoded as UTF-8 without breaking a
 * character split between two of them; each message is stamped with the arrival of the piece
 * that completed it.
 */
export interface MessageReader {
  feed(piece: TimedPiece): void;
  /** The stream has ended: what is left counts, and every message is returned. */
  end(): TimedMessage[];
}

/** A reader over a text parser that adds to `messages`: `write` takes each decoded piece, `close` the end of the text. */
export function textReader(messages: TimedMessage[], write: (text: string, atMs: number) => void, close: () => void): MessageReader {
  const decoder = new TextDecoder('utf-8');
  let lastAtMs = 0;
  return {
    feed({ chunk, atMs }) {
      lastAtMs = atMs;
      write(decoder.decode(chunk, { stream: true }), atMs);
    },
    end() {
      const rest = decoder.decode();
      if (rest !== '') write(rest, lastAtMs);
      close();
      return messages;
    },
  };
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
