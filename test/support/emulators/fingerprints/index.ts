import { handlerFor, DEFAULT_MODELS, type EmulatorKind } from './kinds.js';
import { startRecordingServer, type RecordedRequest, type ServerOptions } from './recording-server.js';

export type { EmulatorKind } from './kinds.js';
export type { ServerOptions } from './recording-server.js';

export interface FingerprintEmulator {
  kind: EmulatorKind;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  models: string[];
  /** Every request received, in order, with its headers. */
  requests: RecordedRequest[];
  /** The most connections that were open at the same moment. */
  peakConnections(): number;
  close(): Promise<void>;
}

export interface EmulatorOptions extends ServerOptions {
  models?: string[];
  /** The version the server reports, where it reports one. */
  version?: string;
}

/**
 * How real llama.cpp (cpp-httplib) takes connections: a listen backlog of 5 and 3 HTTP threads.
 * On Linux a burst of connections beyond backlog + 1 that arrives before the server accepts has
 * its SYNs dropped; the client's retransmit comes about a second later.
 */
export const SMALL_SERVER: ServerOptions = { backlog: 5, workers: 3, workDelayMs: 5 };

/** Starts a server that answers discovery's probes the way `kind` does, on a random loopback port. */
export async function startFingerprintEmulator(kind: EmulatorKind, options: EmulatorOptions = {}): Promise<FingerprintEmulator> {
  const { models = DEFAULT_MODELS[kind], version, ...serverOptions } = options;
  const server = await startRecordingServer(handlerFor(kind, models, version), serverOptions);
  return { kind, port: server.port, url: `http://127.0.0.1:${server.port}`, models, requests: server.requests, peakConnections: server.peakConnections, close: server.close };
}

/** Starts several at once; `closeAll` stops them all. */
export async function startFingerprintEmulators<K extends EmulatorKind>(
  kinds: K[],
  options: ServerOptions = {},
): Promise<Record<K, FingerprintEmulator> & { closeAll(): Promise<void> }> {
  const started = await Promise.all(kinds.map((kind) => startFingerprintEmulator(kind, options)));
  const byKind = Object.fromEntries(started.map((emulator) => [emulator.kind, emulator])) as Record<K, FingerprintEmulator>;
  return Object.assign(byKind, { closeAll: async () => void (await Promise.all(started.map((e) => e.close()))) });
}
