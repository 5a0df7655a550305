/**
 * The package as `npm pack` ships it: packed, unpacked into a scratch project's node_modules as an
 * install puts it (its runtime dependencies beside it), and used by its own name from outside the
 * repository. A consumer file importing `llm-profiles-api/client` type-checks against the shipped
 * `.d.ts` (and a wrong path or provider type does not), and, compiled and run by plain node, lists
 * and creates profiles on a running service.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/compose.js';
import { contractProblems } from '../support/contract.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/server.js';

const run = promisify(execFile);
const ROOT = packageRoot();

interface PackageJson {
  name: string;
  dependencies: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
}

const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;
/** Every file the package's `exports` name, e.g. `dist/src/client/index.js` and its `.d.ts`. */
const exported = [...new Set(Object.values(pkg.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target))))].map((target) =>
  path.normalize(target),
);

interface Answer {
  status: number;
  contentType: string;
  contentLanguage: string;
  location: string | null;
  body: any;
}

/** What the consumer prints. */
interface ConsumerOutput {
  sameEntry: boolean;
  ids: string[];
  created: Answer;
  listed: Answer;
  refused: Answer;
}

let server: TestServer;
let work: string;
let packed: string[];

beforeAll(async () => {
  server = await startTestServer();
  work = await mkdtemp(path.join(tmpdir(), 'llm-profiles-package-'));
  // The tarball npm would publish; prepare (the build) already ran, above or at `npm ci`.
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, env: { ...process.env, npm_config_offline: 'true' } });
  const [summary] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  packed = summary!.files.map((file) => path.normalize(file.path));
  await mkdir(path.join(work, 'node_modules'));
  await run('tar', ['-xzf', path.join(work, summary!.filename), '-C', work]);
  await rename(path.join(work, 'package'), path.join(work, 'node_modules', pkg.name));
  // What `npm install` would put beside it, offline: the package's runtime dependencies, from this checkout.
  for (const name of Object.keys(pkg.dependencies)) {
    await mkdir(path.dirname(path.join(work, 'node_modules', name)), { recursive: true });
    await symlink(path.join(ROOT, 'node_modules', name), path.join(work, 'node_modules', name), 'dir');
  }
}, 180_000);

afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

const CONSUMER = `
import { createProfilesClient, type components } from 'llm-profiles-api/client';
import * as entry from 'llm-profiles-api';

const [baseUrl, token] = process.argv.slice(2) as [string, string];
const api = createProfilesClient({ baseUrl, token, locale: 'es' });

const profile: components['schemas']['ProfileInput'] = { name: 'Made by the packed client', providerType: 'llama.cpp', endpointUrl: 'http://127.0.0.1:8080' };
const created = await api.POST('/api/llm/profiles', { body: { profile } });
const listed = await api.GET('/api/llm/profiles', { params: { query: { providerTypes: ['llama.cpp', 'ollama'] } } });
const refused = await api.POST('/api/llm/profiles', {
  body: { profile: { name: 'No key', providerType: 'anthropic', endpointUrl: 'https://api.anthropic.com', consentTimestamp: '2026-11-20T09:30:00Z' } },
});
const ids: string[] = listed.data?.profiles.map((p) => p.id) ?? [];

if (process.argv.length < 2) {
  // Never run: proof that the shipped types are the contract's, not any.
  // @ts-expect-error no such path in the contract
  await api.GET('/api/llm/nothing');
  // @ts-expect-error 'gpt' is no provider type
  await api.POST('/api/llm/profiles', { body: { profile: { ...profile, providerType: 'gpt' } } });
}

const answer = (res: { response: Response; data?: unknown; error?: unknown }) => ({
  status: res.response.status,
  contentType: res.response.headers.get('content-type'),
  contentLanguage: res.response.headers.get('content-language'),
  location: res.response.headers.get('location'),
  body: res.data ?? res.error,
});
console.log(JSON.stringify({
  sameEntry: entry.createProfilesClient === createProfilesClient,
  ids,
  created: answer(created),
  listed: answer(listed),
  refused: answer(refused),
}));
`;

test("the package's exports are all in the tarball npm pack makes", () => {
  expect(exported.filter((file) => file.startsWith('dist')).length).toBeGreaterThan(0);
  expect(exported.filter((file) => !packed.includes(file))).toEqual([]);
});

test('the tarball carries what a consumer runs: no tests, bench, CI or sources, no output of a deleted source', () => {
  expect(packed.filter((file) => /^(test|bench|src|\.ci|scripts|generated)\//.test(file.split(path.sep).join('/')))).toEqual([]);
  // What tsc emitted; the bundle in dist/service is checked by starting it, below.
  const orphans = packed
    .filter((file) => /^dist\/(src|generated)\//.test(file.split(path.sep).join('/')) && file.endsWith('.js'))
    .filter((file) => !existsSync(path.join(ROOT, file.slice('dist'.length + 1).replace(/\.js$/, '.ts'))));
  expect(orphans).toEqual([]);
});

test('a consumer of the packed package type-checks against its .d.ts, and its client works', async () => {
  await writeFile(path.join(work, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await writeFile(path.join(work, 'consumer.ts'), CONSUMER);
  await writeFile(
    path.join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        lib: ['ES2022', 'DOM'],
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
        types: ['node'],
        outDir: 'out',
      },
      files: ['consumer.ts'],
    }),
  );
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: work }).catch((error: { stdout?: string }) => {
    throw new Error(`the consumer does not type-check against the packed package:\n${error.stdout ?? String(error)}`);
  });

  const { stdout } = await run(process.execPath, [path.join(work, 'out', 'consumer.js'), server.url, server.token], { cwd: work });
  const result = JSON.parse(stdout) as ConsumerOutput;
  expect(result.sameEntry).toBe(true);
  const { created, listed, refused } = result;
  for (const [operationId, res] of [
    ['createProfile', created],
    ['listProfiles', listed],
    ['createProfile', refused],
  ] as const) {
    expect(contractProblems(operationId, res.status, res.contentType, res.body)).toEqual([]);
  }
  expect(created.status).toBe(201);
  expect(created.location).toBe(`/api/llm/profiles/${created.body.profile.id}`);
  expect(listed.status).toBe(200);
  expect(result.ids).toEqual([created.body.profile.id]);
  expect(refused.status).toBe(400);
  expect(refused.contentLanguage).toBe('es');
  expect(refused.body.errors.map((e: { pointer: string }) => e.pointer)).toContain('/body/profile/apiKey');

  const seen = await server.client.GET('/api/llm/profiles/{profileId}', { params: { path: { profileId: created.body.profile.id } } });
  expect(seen.data?.profile.name).toBe('Made by the packed client');
});

test('the bin, linked as npm links it, starts the service from the installed package alone and stops on SIGTERM', async () => {
  const [[name, target]] = Object.entries(pkg.bin) as [[string, string]];
  const bundleDir = path.dirname(path.join(ROOT, target));
  expect((await readdir(bundleDir)).map((file) => path.join(path.relative(ROOT, bundleDir), file)).filter((file) => !packed.includes(file))).toEqual([]);
  const installed = path.join(work, 'node_modules', pkg.name, target);
  const bin = path.join(work, 'node_modules', '.bin', name);
  await mkdir(path.dirname(bin), { recursive: true });
  await symlink(path.relative(path.dirname(bin), installed), bin);
  await chmod(installed, 0o755);

  // Run as a shell runs it: the file itself, through its #! line, with nothing of this checkout in reach.
  const child = spawn(bin, ['--port', '0', '--data-dir', path.join(work, 'data'), '--log-level', 'warn'], {
    cwd: work,
    env: { PATH: process.env.PATH ?? '', HOME: work, LLM_PROFILES_API_TOKEN: server.token, LLM_PROFILES_KEY_STORE: 'file' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const listening = () => /listening on (http:\/\/\S+)/.exec(output)?.[1];
  await eventually(() => listening() !== undefined || child.exitCode !== null, 60_000);
  const url = listening();
  expect({ url, output }).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), output: expect.any(String) });
  const health = await fetch(`${url}/api/health`);
  const body: unknown = await health.json();
  expect(contractProblems('getHealth', health.status, health.headers.get('content-type') ?? undefined, body)).toEqual([]);
  expect(health.status).toBe(200);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});
