import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Candidate } from './candidates.js';
import { endpointKey } from './endpoint-key.js';
import { FINGERPRINT_PATHS, MODELS_PATH, identify, type FingerprintName, type ProbeAnswers } from './fingerprint.js';
import { endpointUrlFor } from './kinds.js';
import { probe, type ProbeOptions, type ProbeResponse, type ProbeTarget } from './probe.js';
import type { RawFinding } from './types.js';

/**
 * Probes one candidate: first `/v1/models` (a closed port ends here, at the cost of one refused
 * connection), then every fingerprint path at once. `null` when nothing answered or the answers
 * are not a model server's.
 */
async function probeCandidate(candidate: Candidate, options: ProbeOptions): Promise<RawFinding | null> {
  const target: ProbeTarget = { address: candidate.address, port: candidate.port, hostHeader: `${candidate.urlHost}:${candidate.port}` };
  const started = performance.now();
  const models = await probe(target, MODELS_PATH, options);
  if (models === null) return null;
  const latencyMs = Math.max(0, Math.round(performance.now() - started));

  // A fresh nonsense path per candidate, so no server can special-case it.
  const bogusPath = `/llm-profiles-discovery-${randomBytes(6).toString('hex')}`;
  const names = Object.keys(FINGERPRINT_PATHS) as FingerprintName[];
  const [bogus, ...answers] = await Promise.all([
    probe(target, bogusPath, options),
    ...names.map((name) => probe(target, FINGERPRINT_PATHS[name], options)),
  ]);
  const byName = Object.fromEntries(names.map((name, i) => [name, answers[i] ?? null])) as Record<FingerprintName, ProbeResponse | null>;
  const found = identify({ ...byName, models, bogus: bogus ?? null } satisfies ProbeAnswers, candidate.port);
  if (found === null) return null;

  const endpointUrl = endpointUrlFor(found.kind, candidate.urlHost, candidate.port);
  return {
    key: endpointKey(endpointUrl) ?? endpointUrl,
    serverKind: found.kind,
    endpointUrl,
    status: found.status,
    models: found.models,
    version: found.version,
    latencyMs,
    requiresConsent: candidate.requiresConsent,
    notes: found.notes,
  };
}

const isIpv6Url = (finding: RawFinding): boolean => finding.endpointUrl.startsWith('http://[');

/**
 * One finding per canonical endpoint (127.0.0.1, localhost and [::1] are one host). The first
 * candidate wins, except that an IPv4 address is preferred: every client can reach it.
 */
function mergeDuplicates(findings: (RawFinding | null)[]): RawFinding[] {
  const byKey = new Map<string, RawFinding>();
  for (const finding of findings) {
    if (finding === null) continue;
    const kept = byKey.get(finding.key);
    if (kept === undefined || (isIpv6Url(kept) && !isIpv6Url(finding))) byKey.set(finding.key, finding);
  }
  return [...byKey.values()];
}

export async function scanCandidates(candidates: Candidate[], options: ProbeOptions): Promise<RawFinding[]> {
  return mergeDuplicates(await Promise.all(candidates.map((candidate) => probeCandidate(candidate, options))));
}
