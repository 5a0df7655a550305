/** What a stream comes to once it has ended. */
export interface FoldedStream {
  /**
   * The body the server would have sent had it not streamed, so the adapter reads it exactly as
   * it reads a plain reply; `null` when the stream held nothing of the protocol.
   */
  body: Record<string, unknown> | null;
  /** Arrival times (service clock) of each streamed piece of answer or reasoning text. */
  deltaTimes: number[];
  /** An error the provider sent inside the stream after its 200, as it would send it before one. */
  error: Record<string, unknown> | null;
}

/** A non-empty string, or `null`: the empty deltas servers send around the answer are not tokens. */
export function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
