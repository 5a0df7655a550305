/** Servers that misbehave in time rather than content: one never answers, one trickles. */
import type { Handler } from './harness.js';

/** Reads the request and never answers. */
export function silentHandler(): Handler {
  return () => undefined;
}

/** Answers 200 at once, then sends one byte every `intervalMs`, forever. */
export function trickleHandler(intervalMs = 1000): Handler {
  return (ex) => {
    ex.res.writeHead(200, { 'content-type': 'application/json' });
    ex.res.write('{');
    ex.every(intervalMs, () => {
      if (!ex.res.destroyed) ex.res.write(' ');
    });
  };
}
