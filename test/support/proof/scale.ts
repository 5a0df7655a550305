/**
 * Sizes and seeds of the proof suite. The default run is bounded so `npm test` stays fast;
 * PROOF_SCALE=10 multiplies every count for a longer soak. PROOF_SEED replays another seed.
 */
function positiveInteger(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

export const PROOF_SCALE = positiveInteger(process.env.PROOF_SCALE, 1);

export const PROOF_SEED = positiveInteger(process.env.PROOF_SEED, 20_261_120);

export function scaled(count: number): number {
  return count * PROOF_SCALE;
}

/** A per-suite seed derived from the run's seed, so suites do not share a random stream. */
export function seedFor(suite: string): number {
  let hash = PROOF_SEED;
  for (const char of suite) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return Math.abs(hash);
}

/** A small seeded PRNG (mulberry32) for choices made outside fast-check (kill moments, bit picks). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
