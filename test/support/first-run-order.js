/**
 * Jest orders test files longest first from the timings of earlier runs, so the two workers
 * finish together. A first run (a clean clone) has no timings and falls back to file size, which
 * leaves a short file that spawns processes or a browser, and so runs for half a minute, to the
 * end, alone. Until jest has timings, the files known to run longest go first, in this order.
 * A file missing here, or listed and since made quick, only changes the order, never a result.
 */
import Sequencer from '@jest/test-sequencer';

const LONGEST_FIRST = [
  'test/proof/crash.test.ts',
  'test/proof/stateful-model.test.ts',
  'test/proof/contract-fuzz.test.ts',
  'test/integration/migrate-key.test.ts',
  'test/integration/keyring.test.ts',
  'test/browser/docs-page.test.ts',
  'test/integration/cli.test.ts',
  'test/contract/generated-clients.test.ts',
  'test/integration/profiles-crud.test.ts',
  'test/contract/status-coverage.test.ts',
  'test/integration/streaming.test.ts',
  'test/integration/test-prompt.test.ts',
  'test/integration/docs-and-spec.test.ts',
];

export default class FirstRunOrder extends Sequencer {
  sort(tests) {
    const bySize = super.sort(tests);
    if (tests.some((test) => this.time(test) !== undefined)) return bySize;
    const rank = (test) => {
      const index = LONGEST_FIRST.findIndex((file) => test.path.endsWith(file));
      return index < 0 ? LONGEST_FIRST.length : index;
    };
    // Array.prototype.sort is stable: files not listed keep jest's size order after the listed ones.
    return [...bySize].sort((a, b) => rank(a) - rank(b));
  }
}
