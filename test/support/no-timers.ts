import { jest } from '@jest/globals';

/** How long a stopped-clock run may sit idle before it counts as waiting on a timer: twelve times the longest scan deadline. */
const HUNG_AFTER_MS = 60_000;

/**
 * Runs `work` with setTimeout and setInterval stopped, so no timer it sets ever fires: work that
 * finishes anyway did not wait for a deadline, proven without measuring how long it took (a
 * loaded machine cannot make it fail). Sockets, I/O and promises run as usual. Work that does
 * wait on a timer fails after a generous real-time guard instead of hanging the suite.
 */
export async function withoutTimers<T>(work: () => Promise<T>): Promise<T> {
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  let guard: ReturnType<typeof setTimeout> | undefined;
  jest.useFakeTimers({
    doNotFake: [
      'Date',
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
    ],
  });
  try {
    const waited = new Promise<never>((_resolve, reject) => {
      guard = realSetTimeout(() => reject(new Error(`still running ${HUNG_AFTER_MS} ms after its timers were stopped: it waits on a timer`)), HUNG_AFTER_MS);
    });
    return await Promise.race([work(), waited]);
  } finally {
    realClearTimeout(guard);
    jest.useRealTimers();
  }
}
