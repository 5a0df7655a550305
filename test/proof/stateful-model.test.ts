/**
 * Stateful model test: random sequences of create / update / delete / activate / get, some
 * sent concurrently, run against the real server and against the simple model in
 * test/support/proof/profile-model.ts. Every answer must match the model (for a concurrent
 * group: the model applied in some order), and after every step the invariants hold over
 * HTTP, in memory and on disk: exactly one active profile when any exist, names unique, the
 * same profiles everywhere, no temp file left.
 */
import { readdir, readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { contractProblems } from '../support/contract.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { reportFigures } from '../support/proof/figures.js';
import { ProofClient, type ProofResponse } from '../support/proof/http-client.js';
import { closedPorts } from '../support/proof/net.js';
import {
  applyActivate,
  applyCreate,
  applyDelete,
  applyUpdate,
  profileDifferences,
  PROVIDER_TYPES,
  type ChangeInput,
  type CreateInput,
  type ModelState,
  type Prediction,
  type ProviderType,
} from '../support/proof/profile-model.js';
import { scaled, seedFor } from '../support/proof/scale.js';

const SEQUENCES = scaled(100);
const COMMANDS_PER_SEQUENCE = 30;
const CONSENT = '2026-11-20T09:30:00.000Z';
const NAMES = ['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon', 'Zeta'];
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

type Target = { existing: number } | { unknown: true };

type Command =
  | { type: 'create'; name: string; providerType: ProviderType; endpoint: number; modelId: boolean; consent: boolean; apiKey: boolean }
  | {
      type: 'update';
      target: Target;
      changes: { name?: string; providerType?: ProviderType; endpoint?: number; apiKey?: 'set' | 'clear'; modelId?: 'set' | 'clear'; consent?: 'set' | 'clear' };
    }
  | { type: 'delete'; target: Target; successor: 'none' | 'self' | Target }
  | { type: 'activate'; target: Target }
  | { type: 'get'; target: Target };

let endpoints: string[] = [];

const nameArb = fc
  .tuple(fc.constantFrom(...NAMES), fc.constantFrom('plain', 'upper', 'lower', 'padded'))
  .map(([name, style]) => (style === 'upper' ? name.toUpperCase() : style === 'lower' ? name.toLowerCase() : style === 'padded' ? `  ${name} ` : name));
const targetArb: fc.Arbitrary<Target> = fc.oneof(
  { weight: 6, arbitrary: fc.nat().map((existing) => ({ existing })) },
  { weight: 1, arbitrary: fc.constant({ unknown: true as const }) },
);
const providerArb = fc.constantFrom(...PROVIDER_TYPES);

// Mostly profiles the rules accept (so the store fills up), sometimes any combination.
const goodCreate = fc.oneof(
  fc.record({ providerType: fc.constant<ProviderType>('llama.cpp'), endpoint: fc.constant(0), modelId: fc.boolean(), consent: fc.boolean(), apiKey: fc.boolean() }),
  fc.record({ providerType: fc.constant<ProviderType>('ollama'), endpoint: fc.constant(1), modelId: fc.constant(true), consent: fc.constant(false), apiKey: fc.constant(false) }),
  fc.record({ providerType: fc.constant<ProviderType>('custom'), endpoint: fc.constant(2), modelId: fc.boolean(), consent: fc.constant(false), apiKey: fc.constant(true) }),
  fc.record({ providerType: fc.constant<ProviderType>('custom'), endpoint: fc.constant(3), modelId: fc.boolean(), consent: fc.constant(true), apiKey: fc.boolean() }),
  fc.record({ providerType: fc.constant<ProviderType>('azure'), endpoint: fc.constant(4), modelId: fc.constant(true), consent: fc.constant(true), apiKey: fc.constant(true) }),
);
const anyCreate = fc.record({ providerType: providerArb, endpoint: fc.nat(6), modelId: fc.boolean(), consent: fc.boolean(), apiKey: fc.boolean() });

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(nameArb, fc.oneof({ weight: 3, arbitrary: goodCreate }, { weight: 1, arbitrary: anyCreate }))
      .map(([name, rest]) => ({ type: 'create' as const, name, ...rest })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        target: targetArb,
        changes: fc.record(
          {
            name: nameArb,
            providerType: providerArb,
            endpoint: fc.nat(6),
            apiKey: fc.constantFrom<'set' | 'clear'>('set', 'clear'),
            modelId: fc.constantFrom<'set' | 'clear'>('set', 'clear'),
            consent: fc.constantFrom<'set' | 'clear'>('set', 'clear'),
          },
          { requiredKeys: [] },
        ),
      })
      .filter(({ changes }) => Object.keys(changes).length > 0)
      .map((c) => ({ type: 'update' as const, ...c })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        target: targetArb,
        successor: fc.oneof({ weight: 2, arbitrary: fc.constant<'none'>('none') }, { weight: 2, arbitrary: targetArb }, { weight: 1, arbitrary: fc.constant<'self'>('self') }),
      })
      .map((c) => ({ type: 'delete' as const, ...c })),
  },
  { weight: 3, arbitrary: targetArb.map((target) => ({ type: 'activate' as const, target })) },
  { weight: 1, arbitrary: targetArb.map((target) => ({ type: 'get' as const, target })) },
);

/** 30 commands, cut into steps of one command or a concurrent group of two or three. */
const sequenceArb = fc
  .tuple(
    fc.array(commandArb, { minLength: COMMANDS_PER_SEQUENCE, maxLength: COMMANDS_PER_SEQUENCE }),
    fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.integer({ min: 2, max: 3 }) }), {
      minLength: COMMANDS_PER_SEQUENCE,
      maxLength: COMMANDS_PER_SEQUENCE,
    }),
  )
  .map(([commands, sizes]) => {
    const steps: Command[][] = [];
    let at = 0;
    for (const size of sizes) {
      if (at >= commands.length) break;
      steps.push(commands.slice(at, at + size));
      at += size;
    }
    return steps;
  });

interface Sent {
  command: Command;
  /** Ids resolved against the model before the step. */
  id: string;
  successor?: string;
  create?: CreateInput;
  changes?: ChangeInput;
  method: string;
  path: string;
  body?: unknown;
  response: ProofResponse;
}

function resolveTarget(target: Target, state: ModelState): string {
  if ('unknown' in target) return UNKNOWN_ID;
  const profile = state.profiles[target.existing % Math.max(1, state.profiles.length)];
  return profile?.id ?? UNKNOWN_ID;
}

let keyCounter = 0;
function freshKey(): string {
  keyCounter += 1;
  return `sk-model-${keyCounter}-${'x'.repeat(12)}`;
}

/** Turns a command into a request, resolving its targets against the model as it stands. */
function prepare(command: Command, state: ModelState): Omit<Sent, 'response'> {
  switch (command.type) {
    case 'create': {
      const create: CreateInput = {
        fields: {
          name: command.name,
          providerType: command.providerType,
          endpointUrl: endpoints[command.endpoint] as string,
          modelId: command.modelId ? 'model-a' : null,
          consentTimestamp: command.consent ? CONSENT : null,
        },
        apiKey: command.apiKey ? freshKey() : null,
      };
      const profile: Record<string, unknown> = { ...create.fields };
      if (create.apiKey !== null) profile.apiKey = create.apiKey;
      return { command, id: '', create, method: 'POST', path: '/api/llm/profiles', body: { profile } };
    }
    case 'update': {
      const id = resolveTarget(command.target, state);
      const c = command.changes;
      const changes: ChangeInput = {};
      if (c.name !== undefined) changes.name = c.name;
      if (c.providerType !== undefined) changes.providerType = c.providerType;
      if (c.endpoint !== undefined) changes.endpointUrl = endpoints[c.endpoint] as string;
      if (c.apiKey !== undefined) changes.apiKey = c.apiKey === 'set' ? freshKey() : null;
      if (c.modelId !== undefined) changes.modelId = c.modelId === 'set' ? 'model-b' : null;
      if (c.consent !== undefined) changes.consentTimestamp = c.consent === 'set' ? '2026-11-21T10:00:00+01:00' : null;
      return { command, id, changes, method: 'PATCH', path: `/api/llm/profiles/${id}`, body: { changes } };
    }
    case 'delete': {
      const id = resolveTarget(command.target, state);
      const successor = command.successor === 'none' ? undefined : command.successor === 'self' ? id : resolveTarget(command.successor, state);
      const query = successor === undefined ? '' : `?successorProfileId=${successor}`;
      return { command, id, ...(successor === undefined ? {} : { successor }), method: 'DELETE', path: `/api/llm/profiles/${id}${query}` };
    }
    case 'activate': {
      const id = resolveTarget(command.target, state);
      return { command, id, method: 'POST', path: `/api/llm/profiles/${id}/activate` };
    }
    case 'get': {
      const id = resolveTarget(command.target, state);
      return { command, id, method: 'GET', path: `/api/llm/profiles/${id}` };
    }
  }
}

const OPERATION: Record<Command['type'], string> = { create: 'createProfile', update: 'updateProfile', delete: 'deleteProfile', activate: 'activateProfile', get: 'getProfile' };

/** Applies one sent command to `state` and returns why the server's answer does not fit (empty = it fits). */
function judge(state: ModelState, sent: Sent): string[] {
  const { response: res, command } = sent;
  let prediction: Prediction & Record<string, unknown>;
  switch (command.type) {
    case 'create':
      prediction = applyCreate(state, sent.create as CreateInput, res.status === 201 ? (res.body?.profile?.id as string) : null);
      break;
    case 'update':
      prediction = applyUpdate(state, sent.id, sent.changes as ChangeInput);
      break;
    case 'delete':
      prediction = applyDelete(state, sent.id, sent.successor);
      break;
    case 'activate':
      prediction = applyActivate(state, sent.id);
      break;
    case 'get':
      prediction = state.profiles.some((p) => p.id === sent.id) ? { status: 200 } : { status: 404, code: 'PROFILE_NOT_FOUND' };
      break;
  }
  const problems: string[] = [];
  if (res.status !== prediction.status) return [`${command.type}: server ${res.status} ${String(res.body?.code ?? '')}, model ${prediction.status} ${prediction.code ?? ''}`];
  if (prediction.code !== undefined && res.body?.code !== prediction.code) problems.push(`${command.type}: code ${String(res.body?.code)}, model ${prediction.code}`);
  if (res.status < 300) {
    const shown = command.type === 'activate' ? res.body?.activeProfile : res.body?.profile;
    const id = command.type === 'create' ? (res.body?.profile?.id as string) : sent.id;
    const expected = state.profiles.find((p) => p.id === id);
    if (command.type === 'delete') {
      if (res.body?.deletedId !== sent.id || res.body?.activeProfileId !== prediction.activeProfileId) {
        problems.push(
          `delete: answered ${JSON.stringify({ deletedId: res.body?.deletedId, activeProfileId: res.body?.activeProfileId })}, model activeProfileId ${String(prediction.activeProfileId)}`,
        );
      }
    } else if (expected) {
      problems.push(...profileDifferences(shown ?? {}, expected, state.activeProfileId === id));
    }
    if (command.type === 'activate' && (res.body?.previousActiveId !== prediction.previousActiveId || res.body?.changed !== prediction.changed)) {
      problems.push(
        `activate: previousActiveId ${String(res.body?.previousActiveId)} changed ${String(res.body?.changed)}, model ${String(prediction.previousActiveId)} ${String(prediction.changed)}`,
      );
    }
  }
  return problems;
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

interface Counts {
  sequences: number;
  commands: number;
  steps: number;
  concurrentGroups: number;
  invariantChecks: number;
  statuses: Record<string, number>;
  maxProfiles: number;
}

describe('stateful model', () => {
  let server: TestServer;
  let client: ProofClient;
  const counts: Counts = { sequences: 0, commands: 0, steps: 0, concurrentGroups: 0, invariantChecks: 0, statuses: {}, maxProfiles: 0 };
  const started = Date.now();
  let failures = 0;

  beforeAll(async () => {
    const [a, b, c] = await closedPorts(3);
    endpoints = [
      `http://127.0.0.1:${a}`,
      `http://localhost:${b}/v1`,
      `https://[::1]:${c}`,
      'http://192.168.1.20:1234/v1',
      'https://tutor.openai.azure.com',
      'http://example.com',
      'https://api.example.com/v1',
    ];
    server = await startTestServer({ logger: pino({ level: 'error' }, new Writable({ write: (_c, _e, cb) => cb() })) });
    client = new ProofClient(server.service.port, server.token);
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
    await reportFigures('stateful-model', { ...counts, commandsPerSequence: COMMANDS_PER_SEQUENCE, invariantViolations: failures, durationMs: Date.now() - started });
  });

  interface Observed {
    list: ProofResponse;
    memory: { activeProfileId: string | null; ids: string };
    files: string[];
    disk: { activeProfileId: string | null; profiles: { id: string; apiKey: unknown }[] } | null;
  }

  /** The state as the server shows it (HTTP), holds it (memory) and has written it (disk). */
  async function observe(): Promise<Observed> {
    counts.invariantChecks += 1;
    const list = await client.json('GET', '/api/llm/profiles');
    const snapshot = server.service.deps.vault.snapshot();
    const files = await readdir(server.dataDir);
    const disk = files.includes('profiles.json') ? (JSON.parse(await readFile(server.service.paths.vaultFile, 'utf8')) as Observed['disk']) : null;
    return { list, memory: { activeProfileId: snapshot.activeProfileId, ids: snapshot.profiles.map((p) => p.id).join() }, files, disk };
  }

  /** The observed state against the model, and the invariants of docs/architecture.md §4. */
  function stateProblems(model: ModelState, observed: Observed): string[] {
    const problems: string[] = [];
    const res = observed.list;
    problems.push(...contractProblems('listProfiles', res.status, res.headers['content-type'], res.body));
    const shown = (res.body?.profiles ?? []) as Record<string, unknown>[];
    const active = shown.filter((p) => p.isActive === true);
    if (shown.length > 0 && active.length !== 1) problems.push(`${active.length} active profiles among ${shown.length}`);
    if (shown.length === 0 && res.body?.activeProfileId !== null) problems.push('an active id with no profiles');
    if (res.body?.activeProfileId !== model.activeProfileId) problems.push(`activeProfileId: server ${String(res.body?.activeProfileId)}, model ${String(model.activeProfileId)}`);
    const names = shown.map((p) => String(p.name).trim().toLocaleLowerCase('en'));
    if (new Set(names).size !== names.length) problems.push('two profiles share a name');
    const modelIds = model.profiles.map((p) => p.id).join();
    if (shown.map((p) => p.id).join() !== modelIds) {
      problems.push(`profiles: server [${shown.map((p) => String(p.id).slice(0, 8)).join(', ')}], model [${model.profiles.map((p) => p.id.slice(0, 8)).join(', ')}]`);
    } else {
      model.profiles.forEach((p, i) => problems.push(...profileDifferences(shown[i] ?? {}, p, p.id === model.activeProfileId)));
    }
    if (observed.memory.activeProfileId !== model.activeProfileId || observed.memory.ids !== modelIds) problems.push('memory differs from the model');
    const temps = observed.files.filter((f) => f.includes('.tmp'));
    if (temps.length > 0) problems.push(`temp files left: ${temps.join(', ')}`);
    if (observed.disk) {
      if (observed.disk.activeProfileId !== model.activeProfileId)
        problems.push(`disk activeProfileId ${String(observed.disk.activeProfileId)}, model ${String(model.activeProfileId)}`);
      if (observed.disk.profiles.map((p) => p.id).join() !== modelIds) problems.push('disk profiles differ from the model');
      observed.disk.profiles.forEach((p, i) => {
        if (model.profiles[i] && (p.apiKey !== null) !== model.profiles[i].hasApiKey) problems.push(`disk key presence differs for ${p.id}`);
      });
    } else if (model.profiles.length > 0) {
      problems.push('no vault file but the model has profiles');
    }
    return problems;
  }

  async function reset(): Promise<void> {
    const list = await client.json('GET', '/api/llm/profiles');
    const profiles = list.body.profiles as { id: string; isActive: boolean }[];
    for (const p of [...profiles.filter((q) => !q.isActive), ...profiles.filter((q) => q.isActive)]) {
      const res = await client.json('DELETE', `/api/llm/profiles/${p.id}`);
      if (res.status !== 200) throw new Error(`reset failed: ${res.status} ${res.text}`);
    }
  }

  test(
    `${SEQUENCES} sequences × ${COMMANDS_PER_SEQUENCE} commands (some concurrent) match the model; invariants hold after every step`,
    async () => {
      await fc.assert(
        fc.asyncProperty(sequenceArb, async (steps) => {
          await reset();
          const model: ModelState = { profiles: [], activeProfileId: null };
          const log: string[] = [];
          for (const step of steps) {
            const prepared = step.map((command) => prepare(command, model));
            const responses = await Promise.all(prepared.map((p) => client.json(p.method, p.path, p.body)));
            const sent: Sent[] = prepared.map((p, i) => ({ ...p, response: responses[i] as ProofResponse }));
            counts.steps += 1;
            counts.commands += sent.length;
            if (sent.length > 1) counts.concurrentGroups += 1;
            for (const s of sent) counts.statuses[s.response.status] = (counts.statuses[s.response.status] ?? 0) + 1;
            log.push(sent.map((s) => `${s.method} ${s.path} ${s.body ? JSON.stringify(s.body) : ''} → ${s.response.status} ${String(s.response.body?.code ?? '')}`).join('  ‖  '));

            const problems: string[] = [];
            for (const s of sent)
              problems.push(
                ...contractProblems(OPERATION[s.command.type], s.response.status, s.response.headers['content-type'], s.response.body).map((p) => `${s.command.type}: ${p}`),
              );
            // Concurrent commands must match the model applied in some order (the service serialises
            // writes): an order that explains every answer and the state they leave behind.
            const explaining: ModelState[] = [];
            let firstMismatch: string[] = [];
            for (const order of permutations(sent)) {
              const candidate = structuredClone(model);
              const mismatch = order.flatMap((s) => judge(candidate, s));
              if (mismatch.length === 0) explaining.push(candidate);
              else if (firstMismatch.length === 0) firstMismatch = mismatch;
            }
            if (explaining.length === 0) problems.push(...firstMismatch);
            else {
              const observed = await observe();
              const verdicts = explaining.map((candidate) => stateProblems(candidate, observed));
              const fits = verdicts.findIndex((v) => v.length === 0);
              if (fits < 0) problems.push(...(verdicts[0] as string[]));
              else {
                const matched = explaining[fits] as ModelState;
                model.profiles = matched.profiles;
                model.activeProfileId = matched.activeProfileId;
                counts.maxProfiles = Math.max(counts.maxProfiles, model.profiles.length);
              }
            }
            if (problems.length > 0) {
              failures += 1;
              const last = sent
                .map((s) => `${s.method} ${s.path}\n  sent: ${JSON.stringify(s.body ?? null)}\n  got: ${s.response.status} ${s.response.text.slice(0, 600)}`)
                .join('\n');
              throw new Error(`\nproblems:\n  - ${problems.join('\n  - ')}\nlast step:\n${last}\nsequence so far:\n  ${log.join('\n  ')}\n`);
            }
          }
          counts.sequences += 1;
        }),
        { seed: seedFor('stateful-model'), numRuns: SEQUENCES, endOnFailure: true },
      );
      expect(counts.sequences).toBe(SEQUENCES);
      expect(counts.commands).toBe(SEQUENCES * COMMANDS_PER_SEQUENCE);
      expect(counts.concurrentGroups).toBeGreaterThan(SEQUENCES);
    },
    600_000 * Math.max(1, SEQUENCES / 100),
  );
});
