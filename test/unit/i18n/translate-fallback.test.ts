/**
 * The catalogues are merged when src/i18n/index.js is first evaluated, so this file (its own
 * module registry under jest) adds an English-only catalogue before importing it.
 */
import { catalogues } from '../../../src/i18n/messages/index.js';

describe('translate with a key Spanish lacks', () => {
  it('answers in English, with the placeholders filled', async () => {
    catalogues.push({ en: { 'test.englishOnly': 'Only in English, {who}.' }, es: {} });
    const { translate, hasMessage } = await import('../../../src/i18n/index.js');
    catalogues.pop();

    expect(hasMessage('test.englishOnly', 'es')).toBe(false);
    expect(translate('es', 'test.englishOnly', { who: 'Ana' })).toBe('Only in English, Ana.');
    expect(translate('es', 'test.englishOnly')).toBe('Only in English, {who}.');
    expect(translate('es', 'problem.NOT_FOUND.title')).toBe('No encontrado');
  });
});
