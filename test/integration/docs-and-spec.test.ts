/**
 * The contract as third parties meet it: /docs, /openapi.yaml and /openapi.json served without
 * a token, and the CLIs other tools use (redocly lint and bundle, openapi-typescript) happy with
 * what is served. The Redoc page is built here (a few seconds) exactly as `npm run docs` does.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { load as parse } from 'js-yaml';
import { packageRoot } from '../../src/compose.js';
import { findSpecPath, loadContract } from '../../src/http/contract.js';
import { fallbackPage } from '../../src/http/docs-page.js';
import { buildDocs } from '../support/docs-build.js';
import { operations, spec } from '../support/contract.js';
import { startTestServer, type TestServer } from '../support/server.js';

const ROOT = packageRoot();
const BIN = path.join(ROOT, 'node_modules', '.bin');
const run = promisify(execFile);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let server: TestServer;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'llm-profiles-spec-'));
  await buildDocs();
  server = await startTestServer();
}, 120_000);

afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

describe('/docs', () => {
  test('serves the Redoc reference without a token, naming every operation', async () => {
    const res = await server.http.get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    const page = res.text;
    expect(page).toMatch(/redoc/i);
    expect(operations.length).toBeGreaterThanOrEqual(11);
    for (const { operationId, operation } of operations) {
      expect(page).toContain(`"operationId":"${operationId}"`);
      expect(page).toContain(operation.summary as string);
    }
    expect((await server.http.get('/docs/')).status).toBe(200);
  });

  test('the learner-facing behaviour is explained: invariants, safe storage, consent, test outcomes, discovery statuses', async () => {
    const description = (JSON.parse((await server.http.get('/openapi.json')).text) as Json).info.description as string;
    for (const heading of ['Invariants', 'Safe storage', 'Consent', 'Test outcomes', 'Discovery statuses']) {
      expect(description).toMatch(new RegExp(`^## ${heading}$`, 'm'));
    }
    for (const code of spec.components.schemas.OutcomeErrorCode.enum as string[]) expect(description).toContain(code);
    for (const status of spec.components.schemas.DiscoveryFinding.properties.status.enum as string[]) expect(description).toContain(status);
    const page = (await server.http.get('/docs')).text;
    for (const section of ['invariants', 'safe-storage', 'consent', 'test-outcomes', 'discovery-statuses']) expect(page).toContain(`/section/${section}`);
  });

  test('the contact link is no placeholder: no documentation-only domain, and on this service a page it serves', async () => {
    const contact = new URL(spec.info.contact.url as string);
    // RFC 2606 / RFC 6761 names reserved for examples and tests lead nowhere.
    expect(contact.hostname).not.toMatch(/(^|\.)(example\.(com|net|org)|example|invalid|test)$/);
    if (contact.origin === new URL(spec.servers[0].url as string).origin) {
      const res = await server.http.get(contact.pathname);
      expect([res.status, res.headers['content-type']]).toEqual([200, expect.stringMatching(/^text\/html/)]);
    }
  });

  test('without a Redoc build, a plain index still names every operation, with the text escaped', async () => {
    const contract = loadContract();
    const page = fallbackPage(contract);
    for (const { operationId, method, route } of operations) {
      expect(page).toContain(`id="${operationId}"`);
      expect(page).toContain(`${method.toUpperCase()} ${route}`);
    }
    expect(page).toContain('href="/openapi.yaml"');
    expect(page).not.toMatch(/<script/i);
  });
});

describe('the served spec', () => {
  test('/openapi.yaml is the contract file naming this instance as its server, without a token', async () => {
    const res = await server.http
      .get('/openapi.yaml')
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => done(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/yaml/);
    // The file as it is, but for the server it names: the address this instance listens on.
    const onDisk = await readFile(findSpecPath(), 'utf8');
    expect(res.body).toBe(onDisk.replace(/^servers:\n {2}- url: .*\n {4}description: .*$/m, `servers:\n  - url: ${server.url}\n    description: This running service.`));
    expect(res.body).not.toBe(onDisk);
  });

  test('/openapi.json parses to the same document naming this instance, without a token', async () => {
    const res = await server.http.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const onDisk = parse(await readFile(findSpecPath(), 'utf8')) as Json;
    expect(JSON.parse(res.text)).toEqual({ ...onDisk, servers: [{ url: server.url, description: 'This running service.' }] });
  });

  test('redocly lint (the strict house rules) accepts the served JSON, and would catch a broken one', async () => {
    const served = JSON.parse((await server.http.get('/openapi.json')).text) as Json;
    const good = path.join(work, 'served.json');
    const broken = path.join(work, 'broken.json');
    await writeFile(good, JSON.stringify(served));
    const damaged = structuredClone(served);
    delete damaged.paths['/api/llm/profiles'].get.operationId;
    await writeFile(broken, JSON.stringify(damaged));
    const lint = (file: string) => run(path.join(BIN, 'redocly'), ['lint', file, '--config', path.join(ROOT, 'redocly.yaml'), '--format=stylish'], { cwd: work });
    const [accepted, refused] = await Promise.allSettled([lint(good), lint(broken)]);
    expect(accepted.status).toBe('fulfilled');
    expect(refused.status).toBe('rejected');
    const { stdout, stderr } = (refused as PromiseRejectedResult).reason as { stdout: string; stderr: string };
    expect(stdout + stderr).toMatch(/operation-operationId/);
  }, 120_000);

  test('openapi-typescript generates, from the served JSON, exactly the committed types', async () => {
    const served = path.join(work, 'for-types.json');
    await writeFile(served, (await server.http.get('/openapi.json')).text);
    const out = path.join(work, 'types.ts');
    // The flags `npm run types` uses, read from package.json so they are written once.
    const scripts = (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const flags = (scripts.types ?? '').split(/\s+/).filter((word) => word.startsWith('--'));
    // Run outside the repo: in it, openapi-typescript follows redocly.yaml and regenerates generated/ instead.
    await run(path.join(BIN, 'openapi-typescript'), [served, '-o', out, ...flags], { cwd: work });
    expect(await readFile(out, 'utf8')).toBe(await readFile(path.join(ROOT, 'generated', 'llm-profiles.ts'), 'utf8'));
  }, 120_000);

  test('schemathesis.toml lets a fuzzer run report only real failures, and the README says how to run it', async () => {
    const file = path.join(ROOT, 'schemathesis.toml');
    expect(existsSync(file)).toBe(true);
    const toml = await readFile(file, 'utf8');
    // The few lines a fuzzer reads here: each check's expected-statuses list.
    const expected = (check: string): string[] => {
      const section = toml.split(/^\[/m).find((part) => part.startsWith(`checks.${check}]`)) ?? '';
      const list = /^expected-statuses\s*=\s*\[([^\]]*)\]/m.exec(section)?.[1] ?? '';
      return [...list.matchAll(/"([^"]+)"/g)].map((match) => match[1] as string);
    };
    const accepted = expected('positive_data_acceptance');
    const rejected = expected('negative_data_rejection');
    // A valid request may meet a stale If-Match (412) or the rate limit (429); so may an invalid one.
    expect(accepted).toEqual(expect.arrayContaining(['2xx', '412', '429']));
    expect(rejected).toEqual(expect.arrayContaining(['400', '412', '429']));
    // Nothing excused for a valid request that the contract does not document.
    const documented = new Set(operations.flatMap(({ operation }) => Object.keys(operation.responses as Json)));
    expect(accepted.filter((status) => status !== '2xx' && !documented.has(status))).toEqual([]);
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('schemathesis.toml');
    expect(readme).toMatch(/^st run /m);
  });

  test('redocly bundle produces one self-contained file', async () => {
    const out = path.join(work, 'bundled.yaml');
    await run(path.join(BIN, 'redocly'), ['bundle', 'openapi/llm-profiles.yaml', '--output', out], { cwd: ROOT });
    const bundled = parse(await readFile(out, 'utf8')) as Json;
    const refs = JSON.stringify(bundled).match(/"\$ref":"[^"]*"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((ref) => !ref.startsWith('"$ref":"#/'))).toEqual([]);
    expect(Object.keys(bundled.paths as Json).sort()).toEqual(Object.keys(spec.paths as Json).sort());
  }, 120_000);
});
