/**
 * A commit checks only what it changed (VaultIndex.next); it must accept and refuse exactly the
 * states the full check (checkInvariants) accepts and refuses.
 */
import { checkInvariants, VaultIndex, type StoredProfile, type VaultData } from '../../../src/vault/state.js';
import { storedProfile } from './fixtures.js';

function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const child of Object.values(value)) frozen(child);
  }
  return value;
}

const a = storedProfile({ name: 'Alpha' });
const b = storedProfile({ name: 'Beta', providerType: 'ollama' });
const base: VaultData = frozen({ schemaVersion: 1, activeProfileId: a.id, profiles: [a, b], keyCheck: null });

function draftOf(change: (draft: VaultData) => void): VaultData {
  const draft: VaultData = { ...base, profiles: [...base.profiles] };
  change(draft);
  return draft;
}

function fullAnswer(data: VaultData): string {
  try {
    checkInvariants(data);
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  }
}

function indexAnswer(data: VaultData): string {
  try {
    VaultIndex.of(base).next(data);
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  }
}

const cases: [string, (draft: VaultData) => void][] = [
  ['nothing changed', () => undefined],
  ['a profile added', (d) => void d.profiles.push(storedProfile({ name: 'Gamma' }))],
  ['a profile replaced under its id', (d) => void (d.profiles[1] = { ...b, name: 'Beta 2' })],
  ['a rename to the other name, ignoring case and spaces', (d) => void (d.profiles[1] = { ...b, name: '  alpha ' })],
  ['the first profile renamed to the name of the second', (d) => void (d.profiles[0] = { ...a, name: 'BETA' })],
  [
    'a swap of two names in one commit',
    (d) => {
      d.profiles[0] = { ...a, name: 'Beta' };
      d.profiles[1] = { ...b, name: 'Alpha' };
    },
  ],
  ['an added profile with an existing id', (d) => void d.profiles.push(storedProfile({ id: a.id, name: 'Gamma' }))],
  ['a kept profile listed twice', (d) => void d.profiles.push(a)],
  ['the active profile deleted', (d) => void (d.profiles = [b])],
  [
    'the active profile deleted and another activated',
    (d) => {
      d.profiles = [b];
      d.activeProfileId = b.id;
    },
  ],
  ['every profile deleted, one still active', (d) => void (d.profiles = [])],
  [
    'every profile deleted, none active',
    (d) => {
      d.profiles = [];
      d.activeProfileId = null;
    },
  ],
  ['a malformed added profile', (d) => void d.profiles.push({ ...storedProfile({ name: 'Gamma' }), createdAt: 'yesterday' } as StoredProfile)],
  ['an unknown top-level field', (d) => void Object.assign(d, { extra: 1 })],
  ['a malformed key check', (d) => void (d.keyCheck = { v: 2 } as unknown as VaultData['keyCheck'])],
];

// Which of two clashing profiles is named may differ (the full check names the later one; the
// index names the changed one), so positions are left out of the comparison.
const withoutPosition = (answer: string): string => answer.replace(/\[\d+\]/, '[i]');

test.each(cases)('%s: the same answer as the full check', (_name, change) => {
  const draft = draftOf(change);
  expect(withoutPosition(indexAnswer(draft))).toBe(withoutPosition(fullAnswer(draft)));
});

test("the index carries over: a second commit is checked against the first one's names", () => {
  const added = storedProfile({ name: 'Gamma' });
  const first = frozen(draftOf((d) => void d.profiles.push(added)));
  const index = VaultIndex.of(base).next(first);
  const second: VaultData = { ...first, profiles: [...first.profiles, storedProfile({ name: 'GAMMA' })] };
  expect(() => index.next(second)).toThrow('vault.profiles[3].name: duplicate name');
});
