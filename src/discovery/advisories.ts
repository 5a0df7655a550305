import type { ServerKind } from './types.js';

/** A published flaw in a server, fixed in `fixedVersion`: every release before it is affected. */
export interface KnownAdvisory {
  id: string;
  kind: ServerKind;
  fixedVersion: string;
  /** One line, in English as published. */
  summary: string;
  url: string;
}

/**
 * Flaws that matter most when a local server is reachable by others. Only advisories with a
 * known fixed version are listed: a finding must be able to say "update to X or later".
 */
export const KNOWN_ADVISORIES: readonly KnownAdvisory[] = [
  {
    id: 'CVE-2024-28224',
    kind: 'ollama',
    fixedVersion: '0.1.29',
    summary: 'DNS rebinding lets a malicious web page reach the local Ollama API.',
    url: 'https://github.com/advisories/GHSA-5jx5-hqx5-2vrj',
  },
  {
    id: 'CVE-2024-37032',
    kind: 'ollama',
    fixedVersion: '0.1.34',
    summary: '"Probllama": /api/pull does not check digests, allowing file writes and remote code execution.',
    url: 'https://github.com/ollama/ollama/pull/4175',
  },
  {
    id: 'CVE-2024-45436',
    kind: 'ollama',
    fixedVersion: '0.1.47',
    summary: 'Zip slip in model extraction writes files outside the models folder.',
    url: 'https://github.com/advisories/GHSA-x8g7-52qv-4wr9',
  },
  {
    id: 'CVE-2026-7482',
    kind: 'ollama',
    fixedVersion: '0.17.1',
    summary: '"Bleeding Llama": an out-of-bounds read in GGUF handling leaks server memory via /api/create and /api/push.',
    url: 'https://nvd.nist.gov/vuln/detail/CVE-2026-7482',
  },
];

type Version = [number, number, number];

/**
 * `1.2.3`, `v1.2` or `0.1.33-rc1` (the suffix is ignored: a pre-release is judged by its core
 * numbers). `null` for anything else, and for 0.0.0, which development builds of Ollama report.
 */
export function parseVersion(text: string): Version | null {
  const match = /^v?(\d{1,6})\.(\d{1,6})(?:\.(\d{1,6}))?(?:[-+][0-9A-Za-z.-]*)?$/.exec(text.trim());
  if (match === null) return null;
  const version: Version = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  return version.every((part) => part === 0) ? null : version;
}

function isBefore(a: Version, b: Version): boolean {
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  return false;
}

/** The advisories that apply to this server's reported version; none when it cannot be read. */
export function advisoriesFor(kind: ServerKind, version: string | null): KnownAdvisory[] {
  const reported = version === null ? null : parseVersion(version);
  if (reported === null) return [];
  return KNOWN_ADVISORIES.filter((advisory) => {
    const fixed = parseVersion(advisory.fixedVersion);
    return advisory.kind === kind && fixed !== null && isBefore(reported, fixed);
  });
}
