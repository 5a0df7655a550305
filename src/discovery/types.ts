/** Shapes shared by the discovery modules; discovery-service.ts re-exports the public ones. */
import type { components } from '../../generated/llm-profiles.js';

type Schemas = components['schemas'];

export type DiscoveryFinding = Schemas['DiscoveryFinding'];
export type ServerKind = DiscoveryFinding['serverKind'];
export type DiscoveryStatus = DiscoveryFinding['status'];
export type Exposure = NonNullable<DiscoveryFinding['exposure']>;

/** What a probe alone can tell; the saved-profile statuses are added per call. */
export type ProbeStatus = 'available' | 'loading' | 'auth-required';

export type DiscoveredProviderType = 'llama.cpp' | 'ollama' | 'custom';

/** Facts learned from a server that need a sentence in the finding's notes. */
export type NoteCode = 'noModelLoaded';

/** A server as the scan saw it, before comparing with saved profiles and before localising. */
export interface RawFinding {
  key: string;
  serverKind: ServerKind;
  endpointUrl: string;
  status: ProbeStatus;
  /** `null` when the server could not say (auth, loading, no list endpoint). */
  models: string[] | null;
  version: string | null;
  latencyMs: number;
  requiresConsent: boolean;
  notes: NoteCode[];
  /** For a server on this computer, whether its port also answers on this computer's network addresses. */
  exposure: Exposure | null;
}

/** The deadlines a scan may be given, and the one it gets when none is asked for (the contract's `DiscoveryScope.timeoutMs`). */
export interface TimeoutRange {
  minimum: number;
  maximum: number;
  default: number;
}

export interface DiscoveryConfig {
  timeoutRange: TimeoutRange;
  /** Names or addresses scanned by `strategy: local`; default ['127.0.0.1', 'localhost']. */
  localHosts: string[];
  /** Ports probed on every host; an empty list probes nothing. */
  ports: number[];
  /** How long a scan is reused; default five minutes. */
  cacheTtlMs?: number;
  /** Largest body read from one probe answer; default 64 KiB. */
  probeBodyCapBytes?: number;
  /**
   * The addresses standing for this computer's network addresses in the exposure check; when
   * left out, the composition reads them from the network interfaces at each scan.
   */
  networkAddresses?: string[];
}

export interface ExistingProfileRef {
  id: string;
  providerType: string;
  endpointUrl: string;
}

/** The request's scope; fields with a default in the contract are optional in its generated type. */
export type DiscoverInput = Schemas['DiscoveryScope'];

export interface DiscoverResult {
  providers: DiscoveryFinding[];
  cached: boolean;
  scannedAt: string;
}
