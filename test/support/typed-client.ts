import type { Middleware } from 'openapi-fetch';
import { createProfilesClient, type ProfilesClient } from '../../src/client/index.js';
import { contractProblems, operations } from './contract.js';
import type { TestServer } from './server.js';

function parsed(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/**
 * openapi-fetch middleware: every response the client receives is held to the contract by the
 * independent validator (the operation found from the called path template and method), and each
 * operation × status pair checked is recorded in `covered`. A response that breaks the contract
 * rejects the call, so the test fails where the request was made.
 */
function contractCheck(covered?: Set<string>): Middleware {
  return {
    async onResponse({ request, response, schemaPath }) {
      const op = operations.find((candidate) => candidate.route === schemaPath && candidate.method.toUpperCase() === request.method);
      if (!op) throw new Error(`no operation in the contract for ${request.method} ${schemaPath}`);
      const text = await response.clone().text();
      const body = parsed(text);
      const problems = contractProblems(op.operationId, response.status, response.headers.get('content-type') ?? undefined, body);
      if (problems.length > 0) {
        throw new Error(`${op.operationId} ${response.status} breaks the contract:\n  ${problems.join('\n  ')}\n${text.slice(0, 800)}`);
      }
      covered?.add(`${op.operationId} ${response.status}`);
      return undefined;
    },
  };
}

/** The package's typed client on a test server, every answer checked against the contract. */
export function contractClient(server: TestServer, covered?: Set<string>): ProfilesClient {
  const client = createProfilesClient({ baseUrl: server.url, token: server.token });
  client.use(contractCheck(covered));
  return client;
}

/**
 * A request value the contract's types forbid (an unknown field, a wrong type, a value outside an
 * enum, a missing required field), sent on purpose to prove the server refuses it. The one place a
 * test request steps outside the type-check against `paths`: the type argument names what the value
 * stands in for, and the call site says what is wrong with it.
 */
export function forbidden<T>(value: unknown): T {
  return value as T;
}
