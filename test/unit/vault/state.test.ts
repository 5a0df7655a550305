import { checkInvariants, emptyVaultData, parseVaultData, type VaultData } from '../../../src/vault/state.js';
import { storedProfile } from './fixtures.js';

const envelope = { v: 1, alg: 'AES-256-GCM', kid: 'abcd1234', iv: 'AAAAAAAAAAAAAAAA', tag: 'AAAAAAAAAAAAAAAAAAAAAA==', ct: 'AAAA' } as const;

function valid(): VaultData {
  const a = storedProfile({ name: 'Alpha', apiKey: { ...envelope } });
  const b = storedProfile({ name: 'Beta', modelId: 'llama3', consentTimestamp: '2025-01-01T00:00:00+01:00' });
  return { schemaVersion: 1, activeProfileId: a.id, profiles: [a, b], keyCheck: { ...envelope } };
}

test('the empty state and a populated state pass', () => {
  expect(() => checkInvariants(emptyVaultData())).not.toThrow();
  const data = valid();
  expect(parseVaultData(JSON.parse(JSON.stringify(data)))).toEqual(data);
});

const broken: [string, (data: Record<string, any>) => unknown, RegExp][] = [
  ['not an object', () => null, /must be an object/],
  ['an array', () => [], /must be an object/],
  ['another schema version', (d) => ({ ...d, schemaVersion: 2 }), /schemaVersion/],
  ['profiles not an array', (d) => ({ ...d, profiles: {} }), /profiles/],
  ['a missing top-level field', (d) => ({ schemaVersion: 1, activeProfileId: d.activeProfileId, profiles: d.profiles }), /keyCheck: missing/],
  ['an unknown top-level field', (d) => ({ ...d, extra: true }), /unexpected field/],
  ['a duplicate id', (d) => ({ ...d, profiles: [d.profiles[0], { ...d.profiles[1], id: d.profiles[0].id }] }), /duplicate id/],
  ['names equal after trim and case folding', (d) => ({ ...d, profiles: [d.profiles[0], { ...d.profiles[1], name: '  aLPHA ' }] }), /duplicate name/],
  ['profiles but no active one', (d) => ({ ...d, activeProfileId: null }), /activeProfileId/],
  ['an active id naming no profile', (d) => ({ ...d, activeProfileId: '00000000-0000-4000-8000-000000000000' }), /activeProfileId/],
  ['an active id with no profiles', (d) => ({ ...d, profiles: [] }), /must be null/],
  ['a non-uuid id', (d) => ({ ...d, profiles: [{ ...d.profiles[0], id: 'x' }], activeProfileId: 'x' }), /uuid/],
  ['a blank name', (d) => ({ ...d, profiles: [d.profiles[0], { ...d.profiles[1], name: '   ' }] }), /blank/],
  ['an unknown provider type', (d) => ({ ...d, profiles: [d.profiles[0], { ...d.profiles[1], providerType: 'openai' }] }), /providerType/],
  ['a numeric modelId', (d) => ({ ...d, profiles: [d.profiles[0], { ...d.profiles[1], modelId: 7 }] }), /modelId/],
  ['a date that is not ISO', (d) => ({ ...d, profiles: [d.profiles[0], { ...d.profiles[1], createdAt: 'yesterday' }] }), /createdAt/],
  ['an unknown profile field', (d) => ({ ...d, profiles: [d.profiles[0], { ...d.profiles[1], isActive: true }] }), /unexpected field/],
  ['an envelope of another version', (d) => ({ ...d, keyCheck: { ...envelope, v: 2 } }), /keyCheck\.v/],
  ['an envelope missing its tag', (d) => ({ ...d, profiles: [{ ...d.profiles[0], apiKey: { ...envelope, tag: undefined } }, d.profiles[1]] }), /apiKey\.tag/],
  ['a plaintext api key', (d) => ({ ...d, profiles: [{ ...d.profiles[0], apiKey: 'sk-plain' }, d.profiles[1]] }), /apiKey/],
];

test.each(broken)('refuses %s', (_label, breakIt, message) => {
  const raw = breakIt(valid() as unknown as Record<string, any>);
  expect(() => parseVaultData(JSON.parse(JSON.stringify(raw)))).toThrow(message);
});

test('error messages name the field, never its value', () => {
  const data = valid();
  const secretName = 'Top Secret Name';
  (data.profiles[1] as { name: string }).name = secretName;
  (data.profiles[0] as { name: string }).name = secretName.toUpperCase();
  let message = '';
  try {
    checkInvariants(data);
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/profiles\[1\]\.name: duplicate name/);
  expect(message.toLowerCase()).not.toContain(secretName.toLowerCase());
});
