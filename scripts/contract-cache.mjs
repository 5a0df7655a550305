/**
 * The last step of `npm run build`: the parsed contract beside the built code, so a start reads
 * JSON instead of parsing the YAML (see src/http/contract-cache.ts, which also checks it is current).
 */
import { findSpecPath } from '../dist/src/http/contract.js';
import { writeContractCache } from '../dist/src/http/contract-cache.js';

if (!writeContractCache(findSpecPath())) {
  process.stdout.write('openapi/llm-profiles.yaml does not survive JSON unchanged, so no parsed copy was written; starts parse the YAML.\n');
}
