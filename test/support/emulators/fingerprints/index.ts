import { handlerFor, DEFAULT_MODELS, type EmulatorKind } from './kinds.js';
import { startRecordingServer, type RecordedRequest } from './recording-server.js';

export type { EmulatorKind } from './kinds.js';

export interface FingerprintEmulator {
  kind: EmulatorKind;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  models: string[];
  /** Every request received, in order, with its headers. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface EmulatorOptions {
  models?: string[];
  /** Also listen on [::1] with the same port, as a dual-stack server would. */
  alsoIpv6?: boolean;
}

/** Starts a server that answers discovery's probes the way `kind` does, on a random loopback port. */
export async function startFingerprintEmulator(kind: EmulatorKind, options: EmulatorOptions = {}): Promise<FingerprintEmulator> {
  const models = options.models ?? DEFAULT_MODELS[kind];
  const server = await startRecordingServer(handlerFor(kind, models), { alsoIpv6: options.alsoIpv6 ?? false });
  return { kind, port: server.port, url: `http://127.0.0.1:${server.port}`, models, requests: server.requests, close: server.close };
}

/** Starts several at once; `closeAll` stops them all. */
export async function startFingerprintEmulators<K extends EmulatorKind>(kinds: K[]): Promise<Record<K, FingerprintEmulator> & { closeAll(): Promise<void> }> {
  const started = await Promise.all(kinds.map((kind) => startFingerprintEmulator(kind)));
  const byKind = Object.fromEntries(started.map((emulator) => [emulator.kind, emulator])) as Record<K, FingerprintEmulator>;
  return Object.assign(byKind, { closeAll: async () => void (await Promise.all(started.map((e) => e.close()))) });
}
