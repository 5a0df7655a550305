import { createHash } from 'node:crypto';
import type { StoredProfile } from '../vault/state.js';

/** A strong validator over everything a client can see of the profile (and whether its key changed). */
export function etagOf(profile: StoredProfile, isActive: boolean): string {
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        profile.id,
        profile.name,
        profile.providerType,
        profile.endpointUrl,
        profile.modelId,
        profile.consentTimestamp,
        profile.modifiedAt,
        profile.apiKey?.ct ?? null,
        isActive,
      ]),
    )
    .digest('hex');
  return `"${hash.slice(0, 20)}"`;
}

/** RFC 9110 If-Match: absent → proceed; `*` → any current representation; else a strong match in the list. */
export function ifMatchSatisfied(header: string | undefined, current: string): boolean {
  if (header === undefined) return true;
  const candidates = header.split(',').map((part) => part.trim());
  return candidates.some((candidate) => candidate === '*' || candidate === current);
}
