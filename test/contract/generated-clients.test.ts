/**
 * Client generators read the served /openapi.json as a user's project would: @hey-api/openapi-ts,
 * openapi-zod-client (responses and problem+json errors) and orval 7 run offline in a temp dir,
 * their output type-checks (openapi-typescript's is checked in docs-and-spec.test.ts), and the
 * hey-api client, on the base URL the served contract names, lists and creates profiles against
 * the running service, its answers parsed by the generated zod schemas.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/compose.js';
import { startTestServer, type TestServer } from '../support/server.js';

const run = promisify(execFile);
const ROOT = packageRoot();
const BIN = path.join(ROOT, 'node_modules', '.bin');

let server: TestServer;
let work: string;

beforeAll(async () => {
  server = await startTestServer();
  work = await mkdtemp(path.join(tmpdir(), 'llm-profiles-generators-'));
  await symlink(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
});

afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

const USE_CLIENT = `
import { client } from './hey/client.gen';
import { createProfile, listProfiles } from './hey/sdk.gen';
import { schemas } from './zod/client';

const token = process.argv[2] as string;
client.setConfig({ auth: () => token });
const created = await createProfile({ body: { profile: { name: 'Made by a generated client', providerType: 'llama.cpp', endpointUrl: 'http://127.0.0.1:8080' } } });
const listed = await listProfiles({ query: { providerTypes: ['llama.cpp'] } });
const refused = await createProfile({ body: { profile: { name: 'No key', providerType: 'anthropic', endpointUrl: 'https://api.anthropic.com', consentTimestamp: '2026-11-20T09:30:00Z' } } });
// A call that reached no server (a wrong base URL) still reports, so the assertions say what went wrong.
function outcome(result: { response?: Response; data?: unknown; error?: unknown }, schema: { parse(value: unknown): unknown }) {
  if (!result.response) return { status: null, body: String(result.error) };
  return { status: result.response.status, body: schema.parse(result.response.ok ? result.data : result.error) };
}
console.log(JSON.stringify({
  baseUrl: client.getConfig().baseUrl,
  created: outcome(created, schemas.ProfileResponse),
  listed: outcome(listed, schemas.ProfileListResponse),
  refused: outcome(refused, schemas.Problem),
}));
`;

test('hey-api, openapi-zod-client and orval generate from /openapi.json, type-check, and the client works', async () => {
  await writeFile(path.join(work, 'spec.json'), (await server.http.get('/openapi.json')).text);
  await mkdir(path.join(work, 'zod'));
  await writeFile(
    path.join(work, 'orval.config.cjs'),
    `module.exports = { profiles: { input: { target: './spec.json' }, output: { target: './orval/client.ts', client: 'fetch', mode: 'single' } } };\n`,
  );
  const options = { cwd: work, env: { ...process.env, npm_config_offline: 'true' } };
  await Promise.all([
    run(path.join(BIN, 'openapi-ts'), ['-i', 'spec.json', '-o', 'hey'], options),
    run(
      path.join(BIN, 'openapi-zod-client'),
      ['spec.json', '-o', 'zod/client.ts', '--media-type-expr', "mediaType === 'application/json' || mediaType === 'application/problem+json'"],
      options,
    ),
    run(path.join(BIN, 'orval'), ['--config', 'orval.config.cjs'], options),
  ]);
  await writeFile(path.join(work, 'use-client.ts'), USE_CLIENT);
  await writeFile(
    path.join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        types: ['node'],
      },
      include: ['hey/**/*.ts', 'zod/**/*.ts', 'orval/**/*.ts', 'use-client.ts'],
    }),
  );
  // A type error fails the run with tsc's report as the message.
  await run(path.join(BIN, 'tsc'), ['-p', 'tsconfig.json'], { cwd: work }).catch((error: { stdout?: string }) => {
    throw new Error(`generated clients do not type-check:\n${error.stdout ?? String(error)}`);
  });

  await run(path.join(BIN, 'esbuild'), ['use-client.ts', '--bundle', '--platform=node', '--format=esm', '--packages=external', '--log-level=error', '--outfile=use-client.mjs'], {
    cwd: work,
  });
  const { stdout } = await run(process.execPath, ['use-client.mjs', server.token], { cwd: work });
  const result = JSON.parse(stdout) as {
    baseUrl: string;
    created: { status: number; body: { profile: { id: string; name: string } } };
    listed: { status: number; body: { profiles: { id: string; providerType: string }[] } };
    refused: { status: number; body: { code: string; errors: { pointer: string }[] } };
  };
  expect(result.baseUrl).toBe(server.url);
  expect(result.created.status).toBe(201);
  expect(result.created.body.profile.name).toBe('Made by a generated client');
  expect(result.listed.status).toBe(200);
  expect(result.listed.body.profiles.map((p) => p.id)).toContain(result.created.body.profile.id);
  expect(result.refused.status).toBe(400);
  expect(result.refused.body.code).toBe('VALIDATION_ERROR');
  expect(result.refused.body.errors.map((e) => e.pointer)).toEqual(['/body/profile/apiKey']);
}, 180_000);
