/**
 * What the routes that call a model server (tests, model lists) share: the saved endpoint's
 * address class for the connect-time policy, cancellation when the client leaves, and the
 * diagnostics line for the exchange.
 */
import type { Response } from 'express';
import type { DiagnosticsEntry, DiagnosticsRecorder } from '../diagnostics/recorder.js';
import { addressClassOf, hostLabel } from '../profiles/endpoint.js';
import type { SavedAddressClass } from '../providers/address-policy.js';
import type { RequestContext } from './context.js';

/** A forbidden address never reaches a call; were it to, it is held to the strictest policy. */
export function savedAddressClass(endpointUrl: string): SavedAddressClass {
  const addressClass = addressClassOf(endpointUrl);
  return addressClass === 'forbidden' ? 'public' : addressClass;
}

/** Aborts the outbound calls when the learner's client goes away before the answer. */
export function abortOnDisconnect(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** One diagnostics line for the exchange with the server; safe metadata only, the host without its query. */
export function recordOutbound(
  diagnostics: DiagnosticsRecorder,
  ctx: RequestContext,
  endpointUrl: string,
  exchange: Pick<DiagnosticsEntry, 'resultCode' | 'httpStatus' | 'durationMs' | 'profileId' | 'providerType'> & { meta: NonNullable<DiagnosticsEntry['meta']> },
): void {
  diagnostics.record({
    timestamp: new Date().toISOString(),
    kind: 'outbound',
    operationId: ctx.operationId,
    requestId: ctx.requestId,
    correlationId: ctx.correlationId,
    safeStorageStatus: ctx.safeStorageStatus,
    ...exchange,
    meta: { host: hostLabel(endpointUrl), ...exchange.meta },
  });
}
