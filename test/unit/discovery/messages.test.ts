import { hasMessage, placeholders, translate } from '../../../src/i18n/index.js';
import { discoveryMessages } from '../../../src/i18n/messages/discovery.js';

describe('discovery messages', () => {
  const enKeys = Object.keys(discoveryMessages.en).sort();

  test('every key exists in English and Spanish with the same placeholders', () => {
    expect(Object.keys(discoveryMessages.es).sort()).toEqual(enKeys);
    for (const key of enKeys) {
      expect([key, placeholders(discoveryMessages.es[key] as string).sort()]).toEqual([key, placeholders(discoveryMessages.en[key] as string).sort()]);
    }
  });

  test('every message is at most 200 characters', () => {
    for (const locale of ['en', 'es'] as const) {
      for (const [key, text] of Object.entries(discoveryMessages[locale])) expect([key, text.length <= 200]).toEqual([key, true]);
    }
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
});
