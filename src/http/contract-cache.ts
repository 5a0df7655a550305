/**
 * The parsed contract as the build leaves it in dist/: parsing the YAML took longer than anything
 * else in a start but the first request's validators (js-yaml, ~10× JSON.parse for the same
 * document). The cache names the SHA-256 of the YAML text it was made from and is used only while
 * that text is the same, so an edited spec is never answered from a stale copy; without the cache
 * (tests run from src/, or a spec edited since the build) the YAML is parsed as before.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type * as JsYaml from 'js-yaml';

interface CacheFile {
  yamlSha256: string;
  document: Record<string, unknown>;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `<package>/dist/openapi/<name>.json` for `<package>/openapi/<name>.yaml`. */
function contractCachePath(specPath: string): string {
  return path.join(path.dirname(path.dirname(specPath)), 'dist', 'openapi', `${path.basename(specPath, path.extname(specPath))}.json`);
}

function parseYaml(yaml: string): Record<string, unknown> {
  // Loaded only when the cache cannot answer.
  const { load } = createRequire(import.meta.url)('js-yaml') as typeof JsYaml;
  return load(yaml) as Record<string, unknown>;
}

/** The document `yaml` (the text of `specPath`) parses to, from the build's cache while it matches. */
export function parseContract(specPath: string, yaml: string): Record<string, unknown> {
  let cached: CacheFile | undefined;
  try {
    cached = JSON.parse(readFileSync(contractCachePath(specPath), 'utf8')) as CacheFile;
  } catch {
    // No cache (or an unreadable one): parse the YAML.
  }
  return cached?.yamlSha256 === sha256(yaml) ? cached.document : parseYaml(yaml);
}

/**
 * The build's step (`npm run build`): writes the cache for `specPath`, unless the document would
 * not survive JSON unchanged (a YAML date or a non-finite number, say), in which case any old
 * cache is removed and starts parse the YAML. Returns whether a cache was written.
 * @public run from dist/ by scripts/contract-cache.mjs, which knip does not follow into the sources.
 */
export function writeContractCache(specPath: string): boolean {
  const yaml = readFileSync(specPath, 'utf8');
  const document = parseYaml(yaml);
  const file = contractCachePath(specPath);
  const json = JSON.stringify({ yamlSha256: sha256(yaml), document } satisfies CacheFile);
  if (!isDeepStrictEqual((JSON.parse(json) as CacheFile).document, document)) {
    rmSync(file, { force: true });
    return false;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, json);
  return true;
}
