import type { components } from '../../generated/llm-profiles.js';
import { translate, type Locale } from '../i18n/index.js';
import { hostLabel, localityOf } from './endpoint.js';
import type { ProfileRecord } from './profile-service.js';
import type { StoredProfile } from '../vault/state.js';

type Profile = components['schemas']['Profile'];

export type ProfileViewer = (record: ProfileRecord, locale: Locale) => Profile;

/** The views of one listing, by the vault state (its frozen snapshot object) they were built from. */
export type ProfileListViewer = (version: object, records: readonly ProfileRecord[], locale: Locale, filterKey: string) => readonly Profile[];

/**
 * The public shape of a profile (no key material, plus locality and screen-reader text), with
 * views remembered per stored profile object. The vault deep-freezes every committed state and
 * clones it for each write, so a frozen profile object never changes and its view (per locale
 * and active flag) lives as long as the object does. Without this, localising and classifying
 * every profile on every list was an eighth of the list's CPU.
 */
export function createProfileViewer(): ProfileViewer {
  const built = new WeakMap<StoredProfile, Map<string, Profile>>();
  return ({ profile, isActive }, locale) => {
    if (!Object.isFrozen(profile)) return buildView(profile, isActive, locale);
    let views = built.get(profile);
    if (!views) {
      views = new Map();
      built.set(profile, views);
    }
    const key = `${locale}:${isActive}`;
    let view = views.get(key);
    if (!view) {
      view = deepFreeze(buildView(profile, isActive, locale));
      views.set(key, view);
    }
    return view;
  };
}

/**
 * Lists remembered per vault state, locale and filter: a state never changes once committed, so
 * neither does its listing. `remember` lets the caller keep the frozen array's JSON text too.
 */
export function createProfileListViewer(view: ProfileViewer, remember: <T extends object>(value: T) => T): ProfileListViewer {
  const lists = new WeakMap<object, Map<string, readonly Profile[]>>();
  return (version, records, locale, filterKey) => {
    if (!Object.isFrozen(version)) return records.map((record) => view(record, locale));
    let byKey = lists.get(version);
    if (!byKey) {
      byKey = new Map();
      lists.set(version, byKey);
    }
    const key = `${locale}:${filterKey}`;
    let list = byKey.get(key);
    if (!list) {
      list = records.map((record) => view(record, locale));
      if (list.every((item) => Object.isFrozen(item))) list = remember(Object.freeze(list));
      byKey.set(key, list);
    }
    return list;
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function buildView(profile: StoredProfile, isActive: boolean, locale: Locale): Profile {
  const locality = localityOf(profile.endpointUrl);
  const provider = translate(locale, `provider.${profile.providerType}`);
  const hasApiKey = profile.apiKey !== null;
  return {
    id: profile.id,
    name: profile.name,
    providerType: profile.providerType,
    endpointUrl: profile.endpointUrl,
    modelId: profile.modelId,
    isActive,
    consentTimestamp: profile.consentTimestamp,
    createdAt: profile.createdAt,
    modifiedAt: profile.modifiedAt,
    hasApiKey,
    locality,
    accessibility: {
      label: translate(locale, 'a11y.label', {
        name: profile.name,
        status: translate(locale, isActive ? 'a11y.status.active' : 'a11y.status.inactive'),
        locality: translate(locale, `locality.${locality}`),
      }),
      description: translate(locale, 'a11y.description', {
        provider,
        host: hostLabel(profile.endpointUrl),
        keyState: translate(locale, hasApiKey ? 'a11y.key.saved' : 'a11y.key.none'),
        consentState: profile.consentTimestamp
          ? translate(locale, 'a11y.consent.given', { date: profile.consentTimestamp.slice(0, 10) })
          : translate(locale, 'a11y.consent.notNeeded'),
      }),
    },
  };
}
