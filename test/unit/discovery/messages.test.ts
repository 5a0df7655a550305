import { hasMessage, translate } from '../../../src/i18n/index.js';
import { catalogues } from '../../../src/i18n/messages/index.js';
import { discoveryMessages } from '../../../src/i18n/messages/discovery.js';
import { exposureNoteKey } from '../../../src/discovery/exposure.js';
import { schemaProblems, spec } from '../../support/contract.js';

describe('discovery messages', () => {
  // Parity of keys and placeholders, and the 200-character limit, are checked for every catalogue in test/unit/i18n/catalogue.test.ts.
  test('is part of the merged catalogue, so the shared parity and length checks cover it', () => {
    expect(catalogues).toContain(discoveryMessages);
  });

  test('the catalogue is registered: kinds, remedies and host rules translate', () => {
    const kinds = ['ollama', 'llama.cpp', 'lmstudio', 'vllm', 'localai', 'koboldcpp', 'textgen-webui', 'jan', 'openai-compatible'];
    const keys = [
      ...kinds.map((kind) => `discovery.kind.${kind}`),
      ...['loading', 'auth-required', 'already-configured', 'conflict'].map((status) => `discovery.status.${status}.remediation`),
      'rule.discovery.hostForbidden',
      'rule.discovery.hostsRequired',
    ];
    for (const key of keys) expect([key, hasMessage(key, 'en'), hasMessage(key, 'es')]).toEqual([key, true, true]);
    expect(translate('es', 'rule.discovery.hostForbidden', { host: '169.254.169.254' })).toMatch(/^169\.254\.169\.254 es una dirección/);
  });

  test('every server kind has an exposure note in both languages, open or keyed', () => {
    const kinds = ['ollama', 'llama.cpp', 'lmstudio', 'vllm', 'localai', 'koboldcpp', 'textgen-webui', 'jan', 'openai-compatible', 'other'] as const;
    for (const kind of kinds) {
      for (const requiresAuth of [false, true]) {
        const key = exposureNoteKey(kind, { reachableFromNetwork: true, requiresAuth, addresses: ['192.168.1.14'] }) as string;
        expect([key, hasMessage(key, 'en'), hasMessage(key, 'es')]).toEqual([key, true, true]);
      }
    }
    expect(exposureNoteKey('ollama', { reachableFromNetwork: false, requiresAuth: null, addresses: [] })).toBeNull();
  });

  test("the spec's discovery example matches the contract, and its sentences are the catalogue's", () => {
    const example = spec.components.examples.DiscoveryResult.value;
    expect(schemaProblems('DiscoverProvidersResponse', example)).toEqual([]);
    const [ollama] = example.providers;
    expect(ollama.notes[0]).toBe(translate('en', 'discovery.exposure.open.ollama', { port: 11434 }));
    expect(ollama.advisories[0].remediation).toBe(
      translate('en', 'discovery.advisory.remediation', { kind: 'Ollama', version: '0.5.7', fixedVersion: '0.17.1', id: 'CVE-2026-7482' }),
    );
  });
});
