import { translate, type Locale } from '../i18n/index.js';
import { endpointKey, findingId } from './endpoint-key.js';
import { providerTypeOf, worksWith } from './kinds.js';
import { advisoriesFor } from './advisories.js';
import { exposureNoteKey } from './exposure.js';
import type { DiscoveryFinding, DiscoveryStatus, ExistingProfileRef, Exposure, RawFinding, ServerKind } from './types.js';

const MAX_NOTES = 10;

function portOf(endpointUrl: string): number {
  const url = new URL(endpointUrl);
  return Number(url.port || 80);
}

/** The sentence for a server open to the network, per kind; `null` when it is not. */
export function exposureNote(kind: ServerKind | 'other', exposure: Exposure, port: number, locale: Locale): string | null {
  const key = exposureNoteKey(kind, exposure);
  if (key === null) return null;
  const name = translate(locale, kind === 'other' ? 'discovery.kind.server' : `discovery.kind.${kind}`);
  return translate(locale, key, { kind: name, port });
}

/** Saved profiles by endpoint key; a profile whose URL does not parse matches nothing. */
function indexProfiles(existing: ExistingProfileRef[]): Map<string, ExistingProfileRef[]> {
  const byKey = new Map<string, ExistingProfileRef[]>();
  for (const profile of existing) {
    const key = endpointKey(profile.endpointUrl);
    if (key === null) continue;
    byKey.set(key, [...(byKey.get(key) ?? []), profile]);
  }
  return byKey;
}

/**
 * Turns a raw finding into what the learner sees: marks it against the saved profiles (same
 * address and a type that works there: already configured, the recommended type preferred; same
 * address, only types that cannot work there: conflict) and writes the notes and remedy in `locale`.
 */
function present(raw: RawFinding, matches: ExistingProfileRef[], locale: Locale): DiscoveryFinding {
  const providerType = providerTypeOf(raw.serverKind);
  const working = matches.find((profile) => profile.providerType === providerType) ?? matches.find((profile) => worksWith(raw.serverKind, profile.providerType));
  const match = working ?? matches[0] ?? null;
  const status: DiscoveryStatus = match === null ? raw.status : working ? 'already-configured' : 'conflict';
  const kind = translate(locale, `discovery.kind.${raw.serverKind}`);
  const params = { kind, providerType, existingType: match?.providerType ?? null };

  const notes: string[] = [];
  if (raw.requiresConsent) notes.push(translate(locale, 'discovery.note.consentRequired'));
  // When a saved-profile status hides what the probe saw, the probe's finding becomes a note.
  if (match !== null && raw.status === 'loading') notes.push(translate(locale, 'discovery.note.stillLoading', params));
  if (match !== null && raw.status === 'auth-required') notes.push(translate(locale, 'discovery.note.needsKey', params));
  if (raw.models === null && raw.status !== 'loading') notes.push(translate(locale, 'discovery.note.modelsNotListed', params));
  if (raw.models !== null && raw.models.length === 0) notes.push(translate(locale, 'discovery.note.noModels', params));
  for (const code of raw.notes) notes.push(translate(locale, `discovery.note.${code}`, params));
  const exposed = raw.exposure === null ? null : exposureNote(raw.serverKind, raw.exposure, portOf(raw.endpointUrl), locale);
  if (exposed !== null) notes.unshift(exposed);

  return {
    id: findingId(raw.key),
    serverKind: raw.serverKind,
    providerType,
    endpointUrl: raw.endpointUrl,
    status,
    existingProfileId: match?.id ?? null,
    models: raw.models ?? [],
    version: raw.version,
    latencyMs: raw.latencyMs,
    requiresConsent: raw.requiresConsent,
    notes: notes.slice(0, MAX_NOTES),
    remediation: status === 'available' ? null : translate(locale, `discovery.status.${status}.remediation`, params),
    exposure: raw.exposure,
    advisories: advisoriesFor(raw.serverKind, raw.version).map((advisory) => ({
      id: advisory.id,
      summary: advisory.summary,
      fixedVersion: advisory.fixedVersion,
      url: advisory.url,
      remediation: translate(locale, 'discovery.advisory.remediation', { kind, version: raw.version, fixedVersion: advisory.fixedVersion, id: advisory.id }),
    })),
  };
}

export function presentFindings(findings: RawFinding[], existing: ExistingProfileRef[], locale: Locale, includeExisting: boolean): DiscoveryFinding[] {
  const profiles = indexProfiles(existing);
  return findings.map((raw) => present(raw, profiles.get(raw.key) ?? [], locale)).filter((finding) => includeExisting || finding.status !== 'already-configured');
}
