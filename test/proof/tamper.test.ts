/**
 * Tampered ciphertext: 1 000 single-bit flips in a stored key's envelope (IV, tag and
 * ciphertext), and envelopes swapped or copied between two profiles (the AAD binds each to its
 * profile id). Every one must make the key unreadable — the test answers 423, nothing reaches
 * the provider and no plaintext comes back — never decrypt to something else. Untampered, the
 * same profiles work, so the refusals are the tampering's doing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { localLlama } from '../support/builders.js';
import { contractProblems } from '../support/contract.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { reportFigures } from '../support/proof/figures.js';
import { ProofClient, type ProofResponse } from '../support/proof/http-client.js';
import { startRecorder, type Recorder } from '../support/proof/recorder.js';
import { scaled, seededRandom, seedFor } from '../support/proof/scale.js';

const FLIPS = scaled(1000);
const IV_AND_TAG_BITS = (12 + 16) * 8;
// Long enough that every flip is a different bit: all of the IV and tag, the rest in the ciphertext.
const SECRET_A = `sk-tamper-alpha-${'7f3a9c1e5b2d4680'.repeat(Math.ceil(Math.max(128, (FLIPS - IV_AND_TAG_BITS) / 8) / 16))}`;
const SECRET_B = 'sk-tamper-bravo-0e9d8c7b6a594837';

interface Envelope {
  v: number;
  alg: string;
  kid: string;
  iv: string;
  tag: string;
  ct: string;
}

interface VaultFile {
  profiles: { id: string; apiKey: Envelope | null }[];
}

let server: TestServer;
let client: ProofClient;
let recorder: Recorder;
let ids: { a: string; b: string };
let original: string;
const figures = {
  flips: 0,
  distinctBits: 0,
  bitsInEnvelope: 0,
  rejected: 0,
  byField: { iv: 0, tag: 0, ct: 0 } as Record<string, number>,
  plaintextReturned: 0,
  outboundCalls: 0,
  swapsRejected: 0,
  durationMs: 0,
};
const started = Date.now();

async function installVault(text: string): Promise<void> {
  await writeFile(server.service.paths.vaultFile, text);
  await server.service.deps.vault.reload();
}

function testProfile(id: string): Promise<ProofResponse> {
  return client.json('POST', `/api/llm/profiles/${id}/test`, { timeoutMs: 1000 });
}

function expectLocked(res: ProofResponse, label: string): void {
  const problems = contractProblems('testProfile', res.status, res.headers['content-type'], res.body);
  if (res.status !== 423 || res.body?.code !== 'SAFE_STORAGE_UNAVAILABLE') problems.push(`answered ${res.status} ${String(res.body?.code)}, not 423 SAFE_STORAGE_UNAVAILABLE`);
  if (res.text.includes(SECRET_A) || res.text.includes(SECRET_B)) problems.push('the response carries a plaintext key');
  if (recorder.calls.length > 0) problems.push(`the provider was called ${recorder.calls.length} time(s) with ${JSON.stringify(recorder.calls[0]?.headers.authorization)}`);
  if (problems.length > 0) throw new Error(`${label}:\n  - ${problems.join('\n  - ')}\nresponse: ${res.status} ${res.text.slice(0, 600)}`);
}

/** Positive control: untampered, the key decrypts and goes to the provider. */
async function expectWorks(id: string, secret: string): Promise<void> {
  recorder.calls.length = 0;
  const res = await testProfile(id);
  expect(contractProblems('testProfile', res.status, res.headers['content-type'], res.body)).toEqual([]);
  expect(res.status).toBe(200);
  expect(res.text).not.toContain(secret);
  // llama.cpp is first asked which model it serves (GET /v1/models, then /props); the prompt goes last.
  const calls = recorder.calls.splice(0);
  expect(calls.at(-1)).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
  expect(new Set(calls.map((c) => c.headers.authorization))).toEqual(new Set([`Bearer ${secret}`]));
}

beforeAll(async () => {
  recorder = await startRecorder();
  server = await startTestServer({ rateLimits: { test: { limit: 1_000_000, windowMs: 60_000 }, discover: { limit: 10, windowMs: 60_000 } } });
  client = new ProofClient(server.service.port, server.token);
  const a = await client.json('POST', '/api/llm/profiles', { profile: localLlama({ endpointUrl: recorder.url, apiKey: SECRET_A }) });
  const b = await client.json('POST', '/api/llm/profiles', { profile: localLlama({ endpointUrl: recorder.url, apiKey: SECRET_B }) });
  ids = { a: a.body.profile.id, b: b.body.profile.id };
  original = await readFile(server.service.paths.vaultFile, 'utf8');
});

afterAll(async () => {
  client?.close();
  await server?.close();
  await recorder?.close();
  figures.durationMs = Date.now() - started;
  await reportFigures('tamper', figures);
});

test('untampered, both keys decrypt and reach the provider (the control)', async () => {
  await expectWorks(ids.a, SECRET_A);
  await expectWorks(ids.b, SECRET_B);
  expect(original).not.toContain(SECRET_A);
});

test(
  `${FLIPS} distinct single-bit flips (every IV and tag bit, the rest in the ciphertext): every one rejected (423), no plaintext, no outbound call`,
  async () => {
    const vault = JSON.parse(original) as VaultFile;
    const envelope = vault.profiles.find((p) => p.id === ids.a)?.apiKey as Envelope;
    const fields = (['iv', 'tag', 'ct'] as const).map((name) => ({ name, bytes: Buffer.from(envelope[name], 'base64') }));
    const ctBits = (fields[2]?.bytes.length ?? 0) * 8;
    figures.bitsInEnvelope = IV_AND_TAG_BITS + ctBits;
    expect(ctBits).toBeGreaterThanOrEqual(FLIPS - IV_AND_TAG_BITS);

    // A seeded shuffle of the ciphertext's bits, so the flips are fixed for a seed and never repeat.
    const random = seededRandom(seedFor('tamper'));
    const ctOrder = Array.from({ length: ctBits }, (_, i) => i);
    for (let i = ctOrder.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [ctOrder[i], ctOrder[j]] = [ctOrder[j] as number, ctOrder[i] as number];
    }
    const flips = [
      ...Array.from({ length: 96 }, (_, bit) => ({ field: 0, bit })),
      ...Array.from({ length: 128 }, (_, bit) => ({ field: 1, bit })),
      ...ctOrder.map((bit) => ({ field: 2, bit })),
    ].slice(0, FLIPS);

    for (const flip of flips) {
      const field = fields[flip.field] as (typeof fields)[number];
      const flipped = Buffer.from(field.bytes);
      flipped[flip.bit >> 3] = (flipped[flip.bit >> 3] as number) ^ (1 << (flip.bit & 7));
      const tampered = structuredClone(vault);
      (tampered.profiles.find((p) => p.id === ids.a)?.apiKey as Envelope)[field.name] = flipped.toString('base64');
      await installVault(JSON.stringify(tampered));

      const res = await testProfile(ids.a);
      figures.flips += 1;
      if (res.text.includes(SECRET_A)) figures.plaintextReturned += 1;
      figures.outboundCalls += recorder.calls.length;
      expectLocked(res, `bit ${flip.bit} of ${field.name}`);
      figures.rejected += 1;
      figures.byField[field.name] = (figures.byField[field.name] ?? 0) + 1;
    }
    figures.distinctBits = new Set(flips.map((f) => `${f.field}:${f.bit}`)).size;
    expect(figures.distinctBits).toBe(FLIPS);
    expect(figures.rejected).toBe(FLIPS);

    // The other profile's key was never touched and still works; so does A's once restored.
    await installVault(original);
    await expectWorks(ids.a, SECRET_A);
    await expectWorks(ids.b, SECRET_B);
  },
  300_000 * Math.max(1, FLIPS / 1000),
);

test('envelopes swapped between two profiles: neither decrypts; copied onto another profile: unreadable there', async () => {
  const vault = JSON.parse(original) as VaultFile;
  const [first, second] = [vault.profiles.find((p) => p.id === ids.a), vault.profiles.find((p) => p.id === ids.b)] as { apiKey: Envelope | null }[];
  const swapped = structuredClone(vault);
  (swapped.profiles.find((p) => p.id === ids.a) as { apiKey: Envelope | null }).apiKey = second?.apiKey ?? null;
  (swapped.profiles.find((p) => p.id === ids.b) as { apiKey: Envelope | null }).apiKey = first?.apiKey ?? null;
  await installVault(JSON.stringify(swapped));
  for (const id of [ids.a, ids.b]) {
    expectLocked(await testProfile(id), `swapped envelope on ${id}`);
    figures.swapsRejected += 1;
  }
  const list = await client.json('GET', '/api/llm/profiles');
  expect(list.status).toBe(200);
  expect(list.body.profiles.map((p: { hasApiKey: boolean }) => p.hasApiKey)).toEqual([true, true]);

  const copied = structuredClone(vault);
  (copied.profiles.find((p) => p.id === ids.b) as { apiKey: Envelope | null }).apiKey = first?.apiKey ?? null;
  await installVault(JSON.stringify(copied));
  expectLocked(await testProfile(ids.b), 'A’s envelope copied onto B');
  figures.swapsRejected += 1;
  await expectWorks(ids.a, SECRET_A);

  await installVault(original);
  await expectWorks(ids.b, SECRET_B);
});
