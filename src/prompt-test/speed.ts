/**
 * What a learner feels of a model's speed: how long before the first word, how fast the rest
 * came, and whether a slow start was the model loading. Figures come from the provider when it
 * reports them and from the stream's own timing otherwise, and say which.
 */
import type { components } from '../../generated/llm-profiles.js';
import { translate, type Locale } from '../i18n/index.js';
import type { ProviderTimings } from '../providers/types.js';

type Outcome = components['schemas']['TestOutcomeResponse'];
export type SpeedFigures = Pick<Outcome, 'timeToFirstTokenMs' | 'tokensPerSecond' | 'tokensPerSecondSource' | 'outputTokens' | 'coldStart' | 'loadMs'>;

/**
 * Ollama reports `load_duration` on every call: milliseconds when the model was already in
 * memory (finding the loaded runner), seconds when it was read from disk. Half a second is far
 * above the first and below a real load of even a small model; a shorter load would not change
 * what the learner feels anyway.
 */
const COLD_START_MS = 500;
/** OpenAI's rule of thumb for English text: 100 tokens are about 75 words. */
const WORDS_PER_TOKEN = 0.75;
/** Silent reading runs at about 4 words a second; twice that outruns any reader. */
const READING_WORDS_PER_SECOND = 4;
const FAST_WORDS_PER_SECOND = 8;
const FAST_START_MS = 1000;
const SLOW_START_MS = 3000;

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

export interface StreamTiming {
  /** When the request was sent (service clock). */
  startedAt: number;
  /** When each piece of answer or reasoning arrived (service clock). */
  deltaTimes: readonly number[];
}

/**
 * The rate counts tokens after the first over the time from the first to the last: the first
 * token's wait is `timeToFirstTokenMs`, and counting it again would overstate a short answer
 * (two tokens 50 ms apart would read 40 a second instead of 20).
 */
function rateOver(count: number, times: readonly number[]): number | undefined {
  const first = times[0];
  const last = times.at(-1);
  if (count < 2 || first === undefined || last === undefined || last <= first) return undefined;
  return round1((count - 1) / ((last - first) / 1000));
}

export function speedFigures(provider: ProviderTimings | null, stream: StreamTiming | null): SpeedFigures {
  const figures: SpeedFigures = {};
  const times = stream?.deltaTimes ?? [];
  const first = times[0];
  if (stream && first !== undefined) figures.timeToFirstTokenMs = round1(Math.max(0, first - stream.startedAt));

  const counted = provider?.completionTokens;
  if (counted !== undefined) figures.outputTokens = counted;
  else if (times.length > 0) figures.outputTokens = times.length;

  const ownRate = provider?.tokensPerSecond ?? (counted !== undefined && provider?.evalMs ? round1(counted / (provider.evalMs / 1000)) : undefined);
  const countedRate = counted !== undefined ? rateOver(counted, times) : undefined;
  const estimatedRate = rateOver(times.length, times);
  if (ownRate !== undefined) Object.assign(figures, { tokensPerSecond: ownRate, tokensPerSecondSource: 'provider' });
  else if (countedRate !== undefined) Object.assign(figures, { tokensPerSecond: countedRate, tokensPerSecondSource: 'provider' });
  else if (estimatedRate !== undefined) Object.assign(figures, { tokensPerSecond: estimatedRate, tokensPerSecondSource: 'estimated' });

  if (provider?.loadMs !== undefined) {
    figures.loadMs = provider.loadMs;
    figures.coldStart = provider.loadMs >= COLD_START_MS;
  }
  return figures;
}

/** Building a NumberFormat costs far more than using one, and the sentences use two shapes per locale: each is built once. */
const numberFormats = new Map<string, Intl.NumberFormat>();

function number(locale: Locale, value: number, digits: number): string {
  const key = `${locale} ${digits}`;
  let format = numberFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits });
    numberFormats.set(key, format);
  }
  return format.format(value);
}

/** One sentence on how the answer felt; `null` when there is no start to speak of (an unstreamed answer that did not load). */
export function speedVerdict(locale: Locale, figures: SpeedFigures, latencyMs: number): string | null {
  const startMs = figures.timeToFirstTokenMs;
  if (figures.coldStart) {
    return translate(locale, 'speed.coldStart', { seconds: number(locale, (startMs ?? latencyMs) / 1000, 1) });
  }
  if (startMs === undefined) return null;
  const start = number(locale, startMs / 1000, 1);
  const rate = figures.tokensPerSecond;
  if (rate === undefined) {
    const key = startMs <= FAST_START_MS ? 'speed.fastStart' : startMs <= SLOW_START_MS ? 'speed.start' : 'speed.slowStart';
    return translate(locale, key, { start });
  }
  const wordsPerSecond = rate * WORDS_PER_TOKEN;
  const words = number(locale, Math.max(1, Math.round(wordsPerSecond)), 0);
  if (startMs <= FAST_START_MS && wordsPerSecond >= FAST_WORDS_PER_SECOND) return translate(locale, 'speed.fast', { start, words });
  if (startMs <= SLOW_START_MS && wordsPerSecond >= READING_WORDS_PER_SECOND) return translate(locale, 'speed.usable', { start, words });
  return translate(locale, 'speed.slow', { start, words });
}
