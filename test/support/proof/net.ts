import { createServer } from 'node:net';
import type { LookupFunction } from 'node:net';

/** Ports on 127.0.0.1 that were free a moment ago: a connection to one is refused at once. */
export async function closedPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    if (address && typeof address === 'object') ports.push(address.port);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return ports;
}

/**
 * A resolver for a machine without internet: `localhost` is 127.0.0.1, every other name is
 * unknown at once (DNS_ERROR) instead of waiting on a resolver that cannot answer.
 */
export const offlineLookup: LookupFunction = (hostname, options, callback) => {
  process.nextTick(() => {
    if (hostname.toLowerCase() === 'localhost') {
      if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
      return;
    }
    const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname, syscall: 'getaddrinfo' });
    callback(error, options.all ? [] : '', 0);
  });
};
