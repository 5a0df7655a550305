/**
 * The contract between the test-prompt use case and one adapter per provider protocol.
 * An adapter builds requests and reads replies; it never performs I/O itself — it asks the
 * use case's `Exchange` — so every outbound call goes through the same policy and limits.
 */
import type { components } from '../../generated/llm-profiles.js';
import type { MessageParams } from '../i18n/types.js';

export type ProviderType = components['schemas']['ProviderType'];
export type OutcomeErrorCode = components['schemas']['OutcomeErrorCode'];
/** Figures the provider reported about its own work (load, prompt evaluation, generation). */
export type ProviderTimings = components['schemas']['ProviderTimings'];

export interface OutboundRequest {
  method: 'GET' | 'POST';
  url: URL;
  /** Auth headers included; they never leave the outbound call. */
  headers: Record<string, string>;
  json?: unknown;
  /** Whether the prompt is in the body (a model listing carries none), for diagnostics. */
  carriesPrompt: boolean;
}

export interface ProviderReply {
  kind: 'reply';
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The parsed body, or `undefined` when it is not JSON. */
  json: unknown;
}

/** A localised sentence the outcome carries in `notes`. */
export interface Note {
  key: string;
  params?: MessageParams;
}

export interface ProviderFailure {
  kind: 'failure';
  errorCode: OutcomeErrorCode;
  retryable: boolean;
  providerStatus: number | null;
  retryAfterMs: number | null;
  /** Picks a more specific message: `outcome.<code>.<variant>.userMessage` when it exists. */
  variant?: string;
  params?: MessageParams;
  /** The provider's own error type/code, when it is a plain identifier (never its message). */
  providerCode?: string | null;
}

export interface ChatAnswer {
  kind: 'answer';
  text: string;
  modelName: string | null;
  timings: ProviderTimings | null;
}

export interface ChatTarget {
  endpointUrl: string;
  modelId: string | null;
  apiKey: string | null;
}

export interface ChatPlan {
  kind: 'plan';
  request: OutboundRequest;
  /** The model the request asks for, when known. */
  model: string | null;
  notes: Note[];
}

/** Sends one request through the outbound policy; transport trouble comes back as a failure. */
export type Exchange = (request: OutboundRequest) => Promise<ProviderReply | ProviderFailure>;

export interface ProviderAdapter {
  readonly providerType: ProviderType;
  /** Builds the test request; may first ask the server something (which models it has). */
  plan(target: ChatTarget, prompt: string, exchange: Exchange): Promise<ChatPlan | ProviderFailure>;
  /** Reads the reply to the planned request. */
  read(reply: ProviderReply, plan: ChatPlan): ChatAnswer | ProviderFailure;
  /**
   * A fixed request after a refusal the adapter knows how to answer (a field the server does not
   * take), or `null`. The use case sends a revised request once at most.
   */
  revise?(reply: ProviderReply, plan: ChatPlan): ChatPlan | null;
}
