import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { classifyAddress } from '../net/address.js';
import type { Candidate } from './candidates.js';
import { endpointKey } from './endpoint-key.js';
import { FINGERPRINT_PATHS, MODELS_PATH, NEEDS, PROBE_ORDER, identify, type Identification, type ProbeAnswers, type StepName } from './fingerprint.js';
import { endpointUrlFor } from './kinds.js';
import { probe, type ProbeOptions, type ProbeResponse, type ProbeTarget } from './probe.js';
import { checkExposure, exposurePath } from './exposure.js';
import { Limiter } from './limiter.js';
import type { Exposure, RawFinding } from './types.js';

/**
 * Requests in flight to one server. Small servers take few connections at once (llama.cpp's
 * HTTP library listens with a backlog of 5 and serves with 3 threads): a burst beyond the
 * backlog has its SYNs dropped, and their retransmit lands after the connect timeout. On this
 * computer one server may answer on every loopback and network address, so there the port alone
 * names the server.
 */
export const MAX_IN_FLIGHT_PER_SERVER = 2;

function serverOf(candidate: Candidate): string {
  return classifyAddress(candidate.address) === 'loopback' ? `this-computer ${candidate.port}` : `${candidate.address} ${candidate.port}`;
}

/**
 * Asks the fingerprint paths, at most MAX_IN_FLIGHT_PER_SERVER at a time: in PROBE_ORDER while
 * the server is unnamed, then only what a decisively named kind still needs, and stops there.
 */
async function askUntilNamed(models: ProbeResponse, port: number, ask: (step: StepName) => Promise<ProbeResponse | null>, signal: AbortSignal): Promise<Identification | null> {
  const answers: ProbeAnswers = { models };
  const asked = new Set<StepName>();
  const next = (): StepName | undefined => {
    const found = identify(answers, port);
    const wanted = found?.decisive ? (NEEDS[found.kind] ?? []) : PROBE_ORDER;
    return wanted.find((step) => !asked.has(step));
  };
  const worker = async (): Promise<void> => {
    for (let step = next(); step !== undefined && !signal.aborted; step = next()) {
      asked.add(step);
      answers[step] = await ask(step);
    }
  };
  await Promise.all(Array.from({ length: MAX_IN_FLIGHT_PER_SERVER }, worker));
  return identify(answers, port);
}

/**
 * Probes one candidate: first `/v1/models` alone (a closed port ends here, at the cost of one
 * refused connection), then the fingerprint paths a few at a time. `null` when nothing answered
 * or the answers are not a model server's.
 */
async function probeCandidate(candidate: Candidate, options: ProbeOptions, server = new Limiter(MAX_IN_FLIGHT_PER_SERVER)): Promise<RawFinding | null> {
  const target: ProbeTarget = { address: candidate.address, port: candidate.port, hostHeader: `${candidate.urlHost}:${candidate.port}` };
  const started = performance.now();
  const models = await server.run(() => probe(target, MODELS_PATH, options));
  if (models === null) return null;
  const latencyMs = Math.max(0, Math.round(performance.now() - started));

  // A fresh nonsense path per candidate, so no server can special-case it.
  const bogusPath = `/llm-profiles-discovery-${randomBytes(6).toString('hex')}`;
  const ask = (step: StepName): Promise<ProbeResponse | null> => server.run(() => probe(target, step === 'bogus' ? bogusPath : FINGERPRINT_PATHS[step], options));
  const found = await askUntilNamed(models, candidate.port, ask, options.signal);
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
    exposure: null,
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

/**
 * Probes every candidate at once (each one bounded on its own). A server found on a loopback
 * address is then asked, on the same port, at `ownAddresses` (this computer's network
 * addresses; `null` for a remote scan), once per port however many loopback spellings found it.
 */
export async function scanCandidates(candidates: Candidate[], options: ProbeOptions, ownAddresses: string[] | null = null): Promise<RawFinding[]> {
  const servers = new Map<string, Limiter>();
  const limiterOf = (candidate: Candidate): Limiter => {
    const limiter = servers.get(serverOf(candidate)) ?? new Limiter(MAX_IN_FLIGHT_PER_SERVER);
    servers.set(serverOf(candidate), limiter);
    return limiter;
  };
  const checks = new Map<string, Promise<Exposure>>();
  const exposureOf = (finding: RawFinding, candidate: Candidate): Promise<Exposure> => {
    const key = `${finding.serverKind} ${candidate.port}`;
    const running = checks.get(key) ?? checkExposure(candidate.port, exposurePath(finding.serverKind), ownAddresses ?? [], options, limiterOf(candidate));
    checks.set(key, running);
    return running;
  };
  const scanned = await Promise.all(
    candidates.map(async (candidate) => {
      const finding = await probeCandidate(candidate, options, limiterOf(candidate));
      if (finding === null || ownAddresses === null || classifyAddress(candidate.address) !== 'loopback') return finding;
      return { ...finding, exposure: await exposureOf(finding, candidate) };
    }),
  );
  return mergeDuplicates(scanned);
}
