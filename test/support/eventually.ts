/** Long enough for any loaded machine; only a condition that never comes true waits it out. */
const GIVE_UP_MS = 10_000;

/**
 * Waits until `condition` holds, checking every few milliseconds, and gives up after a generous
 * guard so that the caller's own assertion reports what did not happen. Use it for something
 * that happens soon after an event (a FIN landing, a request arriving), never to time it.
 */
export async function eventually(condition: () => boolean, giveUpMs = GIVE_UP_MS): Promise<void> {
  const deadline = Date.now() + giveUpMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
