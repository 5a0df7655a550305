import fc from 'fast-check';
import { PREVIEW_MAX_CHARS, previewOf } from '../../../src/prompt-test/preview.js';
import { REDACTED, redactDeep, secretsOf } from '../../../src/prompt-test/redact.js';

const CONTROL = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

describe('response preview', () => {
  it('turns line breaks and tabs into spaces and drops other control characters', () => {
    expect(previewOf('\r\n Hello,\tworld!\u0007\u001b[31m red\u202E\n')).toEqual({ preview: 'Hello, world![31m red', truncated: false });
  });

  it('cuts at 500 characters without splitting one', () => {
    const { preview, truncated } = previewOf('😀'.repeat(600));
    expect(truncated).toBe(true);
    expect(Array.from(preview)).toHaveLength(500);
    expect(preview).toBe('😀'.repeat(500));
  });

  it('never exceeds the limit or keeps a control character, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 1500 }), (text) => {
        const { preview, truncated } = previewOf(text);
        expect(Array.from(preview).length).toBeLessThanOrEqual(PREVIEW_MAX_CHARS);
        expect(CONTROL.test(preview)).toBe(false);
        if (!truncated) expect(preview.length).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('redaction', () => {
  it('removes the key and a long prompt from every string, however deep', () => {
    const secrets = secretsOf('sk-abcdef', 'What is the capital of France?');
    const redacted = redactDeep({ a: 'key sk-abcdef here', b: ['What is the capital of France?'], c: 3, d: null }, secrets);
    expect(redacted).toEqual({ a: `key ${REDACTED} here`, b: [REDACTED], c: 3, d: null });
  });

  it('leaves short prompts and missing keys alone, so ordinary words survive', () => {
    expect(secretsOf(null, 'hi')).toEqual([]);
    expect(redactDeep({ text: 'hi there' }, secretsOf(null, 'hi'))).toEqual({ text: 'hi there' });
  });
});
