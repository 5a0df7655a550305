/**
 * The one outbound HTTP call every adapter's requests go through. got has no timeouts by
 * default and follows redirects (forwarding Azure's `api-key` to any origin), so each call
 * sets a timeout for every phase plus an overall deadline, refuses redirects, caps the body
 * while it streams in, and resolves names through the address policy. A got error carries the
 * request headers (the key) and body (the prompt): it is reduced before anything may see it.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Request as GotRequest } from 'got';
import { ADDRESS_NOT_ALLOWED_CODE, literalHostAllowed, policyLookup, type SavedAddressClass } from './address-policy.js';
import type { OutcomeErrorCode, OutboundRequest, ProviderFailure, ProviderReply } from './types.js';

const USER_AGENT = 'llm-profiles-api';

/** The only parts of a got error that may be logged or classified. */
export interface ReducedGotError {
  name: string;
  code: string | null;
  statusCode: number | null;
  host: string | null;
}

export function reduceGotError(error: unknown): ReducedGotError {
  const value = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
    response?: { statusCode?: unknown };
    options?: { url?: unknown };
  };
  const url = value.options?.url;
  const statusCode = value.response?.statusCode;
  return {
    name: typeof value.name === 'string' ? value.name : 'Error',
    code: typeof value.code === 'string' ? value.code : null,
    statusCode: typeof statusCode === 'number' ? statusCode : null,
    host: url instanceof URL ? url.host : null,
  };
}

interface CallTimings {
  connectMs: number | null;
  firstByteMs: number | null;
  totalMs: number | null;
}

export interface CallResult {
  result: ProviderReply | ProviderFailure;
  timings: CallTimings;
  /** Wall time of the exchange: from the request's start to the last byte read (or the failure). */
  durationMs: number;
  /** `now()` when the request was sent: the origin of the times `onData` is given. */
  startedAt: number;
}

/**
 * The connections of one use case: its calls (a test's model list, then its prompt) go over one
 * kept-alive connection instead of opening one each, and its owner closes them when it ends, so
 * no socket to a provider outlives it. `connectMs` remembers how long each took to open.
 */
export class CallConnections {
  readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  readonly connectMs = new WeakMap<object, number>();

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

export interface CallOptions {
  timeoutMs: number;
  /** Shared by the calls of one use case; without it each call opens (and closes) its own connection. */
  connections?: CallConnections;
  signal?: AbortSignal;
  lookup: LookupFunction;
  savedAddressClass: SavedAddressClass;
  maxResponseBytes: number;
  now: () => number;
  /** Sees each piece of the body as it arrives, with `now()` at its arrival (a stream's timing). */
  onData?: (chunk: Buffer, atMs: number) => void;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME', 'ENODATA']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const TLS_CODE = /CERT|SSL|TLS|EPROTO/;

function transportFailure(errorCode: OutcomeErrorCode, retryable: boolean, providerStatus: number | null, variant?: string): ProviderFailure {
  return { kind: 'failure', errorCode, retryable, providerStatus, retryAfterMs: null, ...(variant ? { variant } : {}), providerCode: null };
}

/** What a transport error means for the learner; only the reduced form is looked at. */
export function classifyTransportError(error: ReducedGotError, providerStatus: number | null = null): ProviderFailure {
  const code = error.code ?? '';
  if (code === ADDRESS_NOT_ALLOWED_CODE) return transportFailure('ADDRESS_NOT_ALLOWED', false, null);
  if (error.name === 'TimeoutError' || TIMEOUT_CODES.has(code)) return transportFailure('TIMEOUT', true, providerStatus);
  if (error.name === 'AbortError' || code === 'ERR_ABORTED') return transportFailure('NETWORK_ERROR', true, providerStatus, 'cancelled');
  if (DNS_CODES.has(code)) return transportFailure('DNS_ERROR', false, null);
  if (TLS_CODE.test(code)) return transportFailure('TLS_ERROR', false, null);
  if (code.startsWith('HPE_')) return transportFailure('INVALID_RESPONSE', false, providerStatus, 'notHttp');
  if (code === 'ECONNREFUSED') return transportFailure('NETWORK_ERROR', true, null, 'refused');
  return transportFailure('NETWORK_ERROR', true, providerStatus);
}

function round(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : Math.round(value * 10) / 10;
}

function parseJson(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** got is loaded on the first outbound call, not at start: most runs never test a prompt. */
let gotLoading: Promise<typeof import('got')> | undefined;

/** Sends one request; never throws for anything the network or the provider does. */
async function outboundCall(request: OutboundRequest, options: CallOptions): Promise<CallResult> {
  const { default: got } = await (gotLoading ??= import('got'));
  const started = options.now();
  const noTimings: CallTimings = { connectMs: null, firstByteMs: null, totalMs: null };
  const literal = literalHostAllowed(request.url.hostname, options.savedAddressClass);
  if (literal === false) {
    return { result: transportFailure('ADDRESS_NOT_ALLOWED', false, null), timings: noTimings, durationMs: 0, startedAt: started };
  }

  // Without the use case's connections, a fresh agent per call: no pooled socket to a provider outlives it.
  const own = options.connections === undefined;
  const agents = options.connections?.agents ?? { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false }) };
  const phase = Math.max(1, Math.ceil(options.timeoutMs));
  let stream: GotRequest;
  try {
    stream = got.stream(request.url, {
      method: request.method,
      headers: { 'user-agent': USER_AGENT, accept: 'application/json', ...request.headers },
      ...(request.json !== undefined ? { json: request.json } : {}),
      timeout: { lookup: phase, connect: phase, secureConnect: phase, socket: phase, send: phase, response: phase, request: phase },
      retry: { limit: 0 },
      followRedirect: false,
      throwHttpErrors: false,
      decompress: true,
      http2: false,
      dnsLookup: policyLookup(options.lookup, options.savedAddressClass),
      agent: agents,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (own) {
      agents.http.destroy();
      agents.https.destroy();
    }
    const reduced = reduceGotError(error);
    return { result: classifyTransportError(reduced), timings: noTimings, durationMs: 0, startedAt: started };
  }

  return new Promise<CallResult>((resolve) => {
    let status: number | null = null;
    let headers: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let socket: object | null = null;

    const settle = (result: ProviderReply | ProviderFailure): void => {
      if (settled) return;
      settled = true;
      const phases = stream.timings?.phases;
      // got's own clock starts when the request is created, after its option handling.
      const durationMs = phases?.total ?? options.now() - started;
      // A kept-alive connection was opened by an earlier call of the same use case: its time to open is the one that counts.
      if (socket !== null && phases?.tcp !== undefined) options.connections?.connectMs.set(socket, phases.tcp);
      const connectMs = phases?.tcp ?? (socket === null ? undefined : options.connections?.connectMs.get(socket));
      const timings: CallTimings = {
        connectMs: round(connectMs),
        firstByteMs: round(phases?.firstByte),
        totalMs: round(durationMs),
      };
      if (!stream.destroyed) stream.destroy();
      if (own) {
        agents.http.destroy();
        agents.https.destroy();
      }
      resolve({ result, timings, durationMs, startedAt: started });
    };

    stream.on('response', (response: http.IncomingMessage) => {
      status = response.statusCode ?? null;
      socket = response.socket;
      headers = { ...response.headers };
      if (status !== null && status >= 300 && status < 400) {
        settle(transportFailure('REDIRECT_REFUSED', false, status));
      }
    });
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.maxResponseBytes) {
        settle(transportFailure('INVALID_RESPONSE', false, status, 'tooLarge'));
        return;
      }
      chunks.push(chunk);
      options.onData?.(chunk, options.now());
    });
    stream.on('end', () => {
      if (status === null) {
        settle(transportFailure('INVALID_RESPONSE', false, null, 'notHttp'));
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      settle({ kind: 'reply', status, headers, body, json: parseJson(body) });
    });
    stream.on('error', (error: unknown) => {
      settle(classifyTransportError(reduceGotError(error), status));
    });
  });
}

/**
 * The calls of one use case (a test, a model list) share one deadline and one cancel signal: each
 * call gets the time that is left, and none starts once the deadline has passed or the caller left.
 * `onCall` sees every call made.
 */
export function exchangeWithin(
  deadline: number,
  options: Omit<CallOptions, 'timeoutMs' | 'onData'>,
  onCall?: (request: OutboundRequest, call: CallResult) => void,
): (request: OutboundRequest, onData?: CallOptions['onData']) => Promise<ProviderReply | ProviderFailure> {
  return async (request, onData) => {
    if (options.signal?.aborted) return transportFailure('NETWORK_ERROR', true, null, 'cancelled');
    const remaining = deadline - options.now();
    if (remaining <= 0) return transportFailure('TIMEOUT', true, null);
    const call = await outboundCall(request, { ...options, timeoutMs: remaining, ...(onData ? { onData } : {}) });
    onCall?.(request, call);
    return call.result;
  };
}
