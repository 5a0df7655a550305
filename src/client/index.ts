/**
 * A typed client for the LLM Profiles API (openapi-fetch over the generated `paths`), exported as
 * the package's `.` and `./client`: the one the desktop app uses, and the one the CRUD, validation
 * and status-coverage tests drive the server with. test/contract/package-client.test.ts installs
 * the packed package in a scratch project, type-checks a consumer against its `.d.ts` and calls
 * the service through it.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../../generated/llm-profiles.js';

export type { paths, components, operations } from '../../generated/llm-profiles.js';

export interface ProfilesClientOptions {
  /** e.g. `http://127.0.0.1:4319` */
  baseUrl: string;
  /** The service's bearer token (from `<dataDir>/api-token` or LLM_PROFILES_API_TOKEN). */
  token: string;
  /** Preferred language for learner-facing sentences, e.g. `es`. */
  locale?: string;
  fetch?: typeof globalThis.fetch;
}

export type ProfilesClient = Client<paths>;

export function createProfilesClient(options: ProfilesClientOptions): ProfilesClient {
  const headers: Record<string, string> = { Authorization: `Bearer ${options.token}` };
  if (options.locale) headers['Accept-Language'] = options.locale;
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers,
    // The contract's array query parameters are `style: form, explode: false` (comma-separated).
    querySerializer: { array: { style: 'form', explode: false } },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
