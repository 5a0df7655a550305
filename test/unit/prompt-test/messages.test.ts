import { outcomeErrorCodeValues, providerTypeValues } from '../../../generated/llm-profiles.js';
import { LOCALES, hasMessage, placeholders, template } from '../../../src/i18n/index.js';
import { catalogues } from '../../../src/i18n/messages/index.js';
import { outcomeMessages } from '../../../src/i18n/messages/outcomes.js';
import { failureTexts } from '../../../src/prompt-test/messages.js';

const CODES = outcomeErrorCodeValues;
const PROVIDERS = providerTypeValues;
const ALL_PARAMS = {
  provider: 'Ollama',
  host: 'h:1',
  hostname: 'h',
  model: 'm',
  seconds: 30,
  limitKb: 1024,
  status: 500,
  retryAfterSeconds: 5,
  code: 'x',
  service: 'OpenRouter',
  field: 'max_tokens',
  replacement: 'max_completion_tokens',
  requested: 'gpt-4',
};

describe('outcome messages', () => {
  it('is part of the merged catalogue', () => {
    expect(catalogues).toContain(outcomeMessages);
  });

  it.each(CODES)('has a user message and a remedy for %s in every locale', (code) => {
    for (const locale of LOCALES) {
      expect(hasMessage(`outcome.${code}.userMessage`, locale)).toBe(true);
      expect(hasMessage(`outcome.${code}.remediation`, locale)).toBe(true);
    }
  });

  it('names every provider in a way a sentence can start with', () => {
    for (const locale of LOCALES) for (const type of PROVIDERS) expect(hasMessage(`outcome.provider.${type}`, locale)).toBe(true);
  });

  it('uses only the placeholders the use case fills, and keeps texts short and plain', () => {
    const known = new Set(Object.keys(ALL_PARAMS));
    for (const locale of LOCALES) {
      for (const [key, text] of Object.entries(outcomeMessages[locale])) {
        expect({ key, unknown: placeholders(text).filter((name) => !known.has(name)) }).toEqual({ key, unknown: [] });
        expect(text.length).toBeLessThanOrEqual(200);
        expect(text).not.toMatch(/\b(got|node|undefined|null|stack|http:\/\/|\?api-version)\b/i);
      }
    }
  });

  it('picks the most specific text it can fill', () => {
    expect(failureTexts('en', 'MODEL_NOT_FOUND', 'ollama', undefined, ALL_PARAMS).remediation).toBe(
      "Run 'ollama pull m' in a terminal, or choose a model that is already installed.",
    );
    expect(failureTexts('en', 'MODEL_NOT_FOUND', 'ollama', 'noneInstalled', ALL_PARAMS).userMessage).toBe('Ollama is running but has no models installed yet.');
    expect(failureTexts('en', 'MODEL_NOT_FOUND', 'custom', undefined, { ...ALL_PARAMS, model: null })).toEqual({
      userMessage: 'The server does not have the model that was asked for.',
      remediation: "Check the model name: the server's list of models shows the exact names.",
    });
    expect(failureTexts('es', 'RATE_LIMITED', 'azure', undefined, { ...ALL_PARAMS, provider: 'Azure OpenAI', retryAfterSeconds: null }).remediation).toBe(
      'Espera un minuto y vuelve a intentarlo.',
    );
    expect(failureTexts('en', 'PROVIDER_UNAUTHORIZED', 'azure', 'noKey', { ...ALL_PARAMS, provider: 'Azure OpenAI' }).userMessage).toBe(
      'Azure OpenAI needs an API key, and this profile has none.',
    );
  });

  it('names the hosted service whose credits ran out when the host says which, and falls back when it does not', () => {
    expect(failureTexts('en', 'QUOTA_EXHAUSTED', 'custom', 'credits', ALL_PARAMS)).toEqual({
      userMessage: 'Your OpenRouter credits have run out.',
      remediation: 'Add credits to your OpenRouter account, then test again.',
    });
    expect(failureTexts('es', 'QUOTA_EXHAUSTED', 'custom', 'credits', ALL_PARAMS).userMessage).toBe('Se te han acabado los créditos de OpenRouter.');
    expect(failureTexts('en', 'QUOTA_EXHAUSTED', 'custom', 'credits', { ...ALL_PARAMS, service: null }).userMessage).toBe(
      'The account behind this API key has run out of credit or reached its spending limit.',
    );
    expect(failureTexts('en', 'QUOTA_EXHAUSTED', 'anthropic', 'credits', ALL_PARAMS).userMessage).toBe('Your Anthropic credit balance is too low to use the API.');
  });

  it('never leaves a placeholder unfilled for any code, provider and variant in use', () => {
    const variants = [
      undefined,
      'refused',
      'cancelled',
      'server',
      'request',
      'notFound',
      'tooLarge',
      'errorBody',
      'noAnswer',
      'notJson',
      'notHttp',
      'noKey',
      'provider',
      'noneInstalled',
      'noDeployment',
      'overloaded',
      'memory',
      'credits',
      'answer',
      'notPulled',
      'wrongPath',
    ];
    const minimal = { provider: 'P', host: 'h:1', hostname: 'h', seconds: 30, limitKb: 1024, status: 500 };
    for (const locale of LOCALES) {
      for (const code of CODES) {
        for (const type of PROVIDERS) {
          for (const variant of variants) {
            const texts = failureTexts(locale, code, type, variant, minimal);
            expect(`${texts.userMessage} ${texts.remediation ?? ''}`).not.toMatch(/\{[A-Za-z]+\}/);
            expect(texts.remediation).not.toBeNull();
          }
        }
      }
    }
    expect(template('en', 'outcome.success.userMessage')).toBe('The model answered.');
  });
});
