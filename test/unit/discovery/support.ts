import dc from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FingerprintEmulator } from '../../support/emulators/fingerprints/index.js';
import type { DiscoveryFinding } from '../../../src/discovery/discovery-service.js';
import { contractLimits, loadContract } from '../../../src/http/contract.js';

/** Ports that were free a moment ago: nothing listens there, so a connection is refused. */
export async function closedPorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<http.Server>((resolve) => {
          const server = http.createServer();
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export function findingAt(providers: DiscoveryFinding[], emulator: FingerprintEmulator): DiscoveryFinding | undefined {
  return providers.find((finding) => new URL(finding.endpointUrl).port === String(emulator.port));
}

/**
 * The TCP connections this process opens while `work` runs, seen where node itself opens them
 * (its `net.client.socket` diagnostics channel), and the ports among them that were refused.
 */
export async function connectionsDuring<T>(work: () => Promise<T>): Promise<{ value: T; opened: number; refusedPorts: number[] }> {
  let opened = 0;
  const refusedPorts: number[] = [];
  const onSocket = (message: unknown): void => {
    opened += 1;
    (message as { socket: Socket }).socket.once('error', (error: NodeJS.ErrnoException & { port?: number }) => {
      if (error.code === 'ECONNREFUSED' && error.port !== undefined) refusedPorts.push(error.port);
    });
  };
  dc.subscribe('net.client.socket', onSocket);
  try {
    const value = await work();
    return { value, opened, refusedPorts };
  } finally {
    dc.unsubscribe('net.client.socket', onSocket);
  }
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/**
 * The longest scan the contract allows: tests that check what a scan finds give it every
 * millisecond, so a loaded machine slows them down rather than failing them.
 */
export const SCAN_MS = 5_000;

/** The deadlines the contract lets a scan ask for, as the composition hands them to the service. */
export const TIMEOUT_RANGE = contractLimits(loadContract()).discoveryTimeoutMs;
