/**
 * The test-prompt use case: send one short prompt through a profile and say what happened.
 * Every provider or network failure becomes an outcome with a code, a retry hint and a
 * localised sentence; nothing the provider sends back is shown unfiltered, and neither the
 * key nor the prompt appears in the outcome or in the diagnostics events.
 */
import { lookup as dnsLookup } from 'node:dns';
import type { components } from '../../generated/llm-profiles.js';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Locale } from '../i18n/index.js';
import { anthropicAdapter } from '../providers/anthropic.js';
import { azureAdapter } from '../providers/azure.js';
import { CallConnections, exchangeWithin, type CallResult } from '../providers/http-call.js';
import { llamaCppAdapter } from '../providers/llama-cpp.js';
import { ollamaAdapter } from '../providers/ollama.js';
import { openAiCompatibleAdapter } from '../providers/openai-compatible.js';
import type { ChatAnswer, ChatPlan, Note, OutboundRequest, ProviderAdapter, ProviderFailure, ProviderReply, ProviderType } from '../providers/types.js';
import { failureParams, failureTexts, noteText, PARAM_MAX_CHARS, successText } from './messages.js';
import { cleanText, clip, previewOf } from './preview.js';
import { redactDeep, redactText, secretsOf } from './redact.js';
import type { StreamTiming } from './speed.js';
import { speedOfAnswer, streamedChat } from './streamed.js';

export interface TestTarget {
  profileId: string | null;
  profileName: string;
  providerType: ProviderType;
  endpointUrl: string;
  modelId: string | null;
  /** Plaintext, in memory for this call only. */
  apiKey: string | null;
  /**
   * What the endpoint was saved as; the outbound policy refuses a resolved address in a
   * more-internal class than this, and always refuses 'forbidden' addresses.
   */
  savedAddressClass: 'loopback' | 'private' | 'public';
}

/** The contract's test outcome without the meta fields the HTTP layer adds. */
export type TestOutcome = Omit<components['schemas']['TestOutcomeResponse'], keyof components['schemas']['ResponseMeta']>;

export interface PromptTestDeps {
  /** Same signature as node's dns.lookup, so tests can make a name resolve anywhere. Default: dns.lookup. */
  lookup?: LookupFunction;
  /** Default 1 MiB. */
  maxResponseBytes?: number;
  /** Milliseconds from any fixed origin; default performance.now. */
  now?: () => number;
}

export interface RunOptions {
  prompt?: string;
  /** Default 30 000. */
  timeoutMs?: number;
  /** Aborts the outbound call (the client disconnected). */
  signal?: AbortSignal;
  locale: Locale;
  /** Ask for a streamed answer and measure its speed (the contract's default is applied by the route). */
  stream?: boolean;
}

const DEFAULT_PROMPT = 'Reply with the single word: ready.';
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const MODEL_NAME_MAX_CHARS = 256;
/** Names inside sentences are shortened so a message stays readable and within the contract's length. */
const MAX_NOTES = 10;

const ADAPTERS: Record<ProviderType, ProviderAdapter> = {
  'llama.cpp': llamaCppAdapter,
  ollama: ollamaAdapter,
  azure: azureAdapter,
  custom: openAiCompatibleAdapter,
  anthropic: anthropicAdapter,
};

interface Attempt {
  request: OutboundRequest;
  call: CallResult;
}

interface Sent {
  result: ChatAnswer | ProviderFailure;
  refusal: ProviderReply | null;
  timing: StreamTiming | null;
}

export class PromptTestService {
  private readonly lookup: LookupFunction;
  private readonly maxResponseBytes: number;
  private readonly now: () => number;

  constructor(deps: PromptTestDeps = {}) {
    this.lookup = deps.lookup ?? (dnsLookup as LookupFunction);
    this.maxResponseBytes = deps.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.now = deps.now ?? (() => performance.now());
  }

  async run(target: TestTarget, options: RunOptions): Promise<TestOutcome> {
    const connections = new CallConnections();
    try {
      return await this.runOver(connections, target, options);
    } finally {
      // Closed just after the outcome is on its way to the client rather than before it: the provider's end of the close is no longer in its path.
      setImmediate(() => connections.close());
    }
  }

  private async runOver(connections: CallConnections, target: TestTarget, options: RunOptions): Promise<TestOutcome> {
    const prompt = options.prompt ?? DEFAULT_PROMPT;
    const promptLength = Array.from(prompt).length;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = this.now() + timeoutMs;
    const adapter = ADAPTERS[target.providerType];
    const attempts: Attempt[] = [];

    const exchange = exchangeWithin(
      deadline,
      {
        ...(options.signal ? { signal: options.signal } : {}),
        connections,
        lookup: this.lookup,
        savedAddressClass: target.savedAddressClass,
        maxResponseBytes: this.maxResponseBytes,
        now: this.now,
      },
      (request, call) => attempts.push({ request, call }),
    );
    let streamRefused = false;
    /** The reply read, the reply itself when it was a refusal the adapter may fix, and a stream's timing. */
    const send = async (toSend: ChatPlan): Promise<Sent> => {
      if (options.stream && !streamRefused) {
        const streamed = await streamedChat(target.providerType, adapter, toSend, async (request, onData) => {
          const reply = await exchange(request, onData);
          return { reply, startedAt: attempts.at(-1)?.request === request ? (attempts.at(-1)?.call.startedAt ?? null) : null };
        });
        if (streamed.result) return { result: streamed.result, refusal: streamed.refusal, timing: streamed.timing };
        streamRefused = true;
      }
      const reply = await exchange(toSend.request);
      if (reply.kind === 'failure') return { result: reply, refusal: null, timing: null };
      const result = adapter.read(reply, toSend);
      return { result, refusal: result.kind === 'failure' ? reply : null, timing: null };
    };

    const chatTarget = { endpointUrl: target.endpointUrl, modelId: target.modelId, apiKey: target.apiKey };
    const planned = await adapter.plan(chatTarget, prompt, exchange);
    let plan: ChatPlan | null = null;
    let result: ChatAnswer | ProviderFailure;
    let timing: StreamTiming | null = null;
    if (planned.kind === 'failure') {
      result = planned;
    } else {
      plan = planned;
      let sent = await send(planned);
      // A server that refused a field of the request gets the fixed request once, never more.
      const revised = sent.refusal ? (adapter.revise?.(sent.refusal, planned) ?? null) : null;
      if (revised) {
        plan = revised;
        sent = await send(revised);
      }
      ({ result, timing } = sent);
    }

    const secrets = secretsOf(target.apiKey, prompt);
    const outcome = this.outcome(target, options.locale, { plan, result, attempts, promptLength, timeoutMs, secrets });
    if (result.kind === 'answer') Object.assign(outcome, speedOfAnswer(options.locale, result, timing, outcome.latencyMs));
    return redactDeep(outcome, secrets);
  }

  private outcome(
    target: TestTarget,
    locale: Locale,
    run: { plan: ChatPlan | null; result: ChatAnswer | ProviderFailure; attempts: Attempt[]; promptLength: number; timeoutMs: number; secrets: string[] },
  ): TestOutcome {
    const { plan, result } = run;
    const last = run.attempts.at(-1)?.call ?? null;
    const notes: Note[] = [...(plan?.notes ?? [])];
    const requestedModel = plan?.model ?? target.modelId;
    const base = {
      profileId: target.profileId,
      profileName: target.profileName,
      providerType: target.providerType,
      latencyMs: last ? Math.max(0, Math.round(last.durationMs)) : 0,
      promptLength: run.promptLength,
    };
    const timings = {
      connectMs: last?.timings.connectMs ?? null,
      firstByteMs: last?.timings.firstByteMs ?? null,
      totalMs: last?.timings.totalMs ?? 0,
    };

    if (result.kind === 'answer') {
      // Redacted before the cut, so a secret straddling the 500th character is not half shown.
      const { preview, truncated } = previewOf(redactText(result.text, run.secrets));
      if (preview === '') notes.push({ key: 'outcome.note.emptyAnswer' });
      return {
        ...base,
        modelName: modelNameOf(result.modelName ?? requestedModel),
        success: true,
        timings: { ...timings, provider: result.timings },
        responsePreview: preview,
        responseTruncated: truncated,
        errorCode: null,
        retryable: false,
        retryAfterMs: null,
        providerStatus: last && last.result.kind === 'reply' ? last.result.status : null,
        userMessage: successText(locale),
        remediation: null,
        notes: notesText(locale, notes),
      };
    }

    const model = modelNameOf(requestedModel);
    const params = failureParams(locale, { providerType: target.providerType, endpointUrl: target.endpointUrl, model }, result, {
      timeoutMs: run.timeoutMs,
      maxResponseBytes: this.maxResponseBytes,
    });
    const variant = result.variant ?? (result.errorCode === 'PROVIDER_UNAUTHORIZED' && !target.apiKey ? 'noKey' : undefined);
    if (result.providerCode) notes.push({ key: 'outcome.note.providerCode', params: { code: result.providerCode } });
    const texts = failureTexts(locale, result.errorCode, target.providerType, variant, params);
    return {
      ...base,
      modelName: model,
      success: false,
      timings: { ...timings, provider: null },
      responsePreview: null,
      responseTruncated: false,
      errorCode: result.errorCode,
      retryable: result.retryable,
      retryAfterMs: result.retryAfterMs,
      providerStatus: result.providerStatus,
      userMessage: texts.userMessage,
      remediation: texts.remediation,
      notes: notesText(locale, notes),
    };
  }
}

function notesText(locale: Locale, notes: Note[]): string[] {
  return notes.slice(0, MAX_NOTES).map((note) => {
    const params = Object.fromEntries(
      Object.entries(note.params ?? {}).map(([name, value]) => [name, typeof value === 'string' ? clip(cleanText(value), PARAM_MAX_CHARS).text : value]),
    );
    return noteText(locale, { key: note.key, params });
  });
}

function modelNameOf(name: string | null): string | null {
  if (name === null) return null;
  const cleaned = cleanText(name);
  return cleaned === '' ? null : clip(cleaned, MODEL_NAME_MAX_CHARS).text;
}
