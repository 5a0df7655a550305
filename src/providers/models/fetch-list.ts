/**
 * One GET of a list, shared by the listers: the reply's JSON when the server answered 2xx with
 * a list-shaped body, or the failure it amounts to. A bare array is a list (Together); an
 * object carrying `error` is not, whatever the status (LM Studio answers errors with 200).
 */
import { classifyStatus, isSuccessStatus, successBody } from '../classify.js';
import type { Exchange, ProviderFailure, ProviderReply } from '../types.js';

export interface ListReply {
  kind: 'list';
  reply: ProviderReply;
  json: unknown;
}

export async function fetchList(
  exchange: Exchange,
  url: URL,
  headers: Record<string, string>,
  onError: (reply: ProviderReply) => ProviderFailure = classifyStatus,
): Promise<ListReply | ProviderFailure> {
  const reply = await exchange({ method: 'GET', url, headers, carriesPrompt: false });
  if (reply.kind === 'failure') return reply;
  if (!isSuccessStatus(reply.status)) return onError(reply);
  if (Array.isArray(reply.json)) return { kind: 'list', reply, json: reply.json };
  const parsed = successBody(reply);
  return parsed.kind === 'failure' ? parsed : { kind: 'list', reply, json: parsed.body };
}
