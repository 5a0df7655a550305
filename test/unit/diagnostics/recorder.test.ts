import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiagnosticsRecorder, type DiagnosticsEntry, type DiagnosticsFs } from '../../../src/diagnostics/recorder.js';

let root: string;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'diagnostics-test-'));
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function entry(overrides: Partial<DiagnosticsEntry> = {}): DiagnosticsEntry {
  return {
    timestamp: new Date().toISOString(),
    kind: 'request',
    operationId: 'listProfiles',
    requestId: 'req-1',
    correlationId: 'corr-1',
    resultCode: 'OK',
    httpStatus: 200,
    durationMs: 3,
    safeStorageStatus: 'available',
    ...overrides,
  };
}

async function readLines(file: string): Promise<Record<string, unknown>[]> {
  const text = await fs.readFile(file, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function mode(file: string): Promise<number> {
  return (await fs.stat(file)).mode & 0o777;
}

describe('DiagnosticsRecorder', () => {
  it('appends one parseable line per entry to a 0600 file in a 0700 folder', async () => {
    const dir = path.join(root, 'diagnostics');
    const recorder = new DiagnosticsRecorder({ dir });
    recorder.record(entry({ requestId: 'a' }));
    recorder.record(entry({ requestId: 'b', profileId: 'p-1', providerType: 'ollama', meta: { method: 'GET', count: 2 } }));
    await recorder.close();

    const file = path.join(dir, 'profiles.jsonl');
    const lines = await readLines(file);
    expect(lines.map((l) => l.requestId)).toEqual(['a', 'b']);
    expect(lines[1]).toEqual({ ...entry({ requestId: 'b' }), timestamp: lines[1]?.timestamp, profileId: 'p-1', providerType: 'ollama', meta: { method: 'GET', count: 2 } });
    expect(await mode(file)).toBe(0o600);
    expect(await mode(dir)).toBe(0o700);
    expect(recorder.stats()).toEqual({ written: 2, dropped: 0, failures: 0 });
  });

  it('tightens an existing file to 0600 before writing to it', async () => {
    const file = path.join(root, 'profiles.jsonl');
    await fs.writeFile(file, '', { mode: 0o644 });
    await fs.chmod(file, 0o644);
    const recorder = new DiagnosticsRecorder({ dir: root });
    recorder.record(entry());
    await recorder.close();
    expect(await mode(file)).toBe(0o600);
  });

  it('writes only allow-listed fields and safe metadata', async () => {
    const recorder = new DiagnosticsRecorder({ dir: root });
    const secret = 'sk-SECRET-1234567890';
    recorder.record({
      ...entry(),
      apiKey: secret,
      prompt: 'tell me a secret',
      responseBody: 'the answer',
      headers: { authorization: `Bearer ${secret}` },
      meta: {
        promptLength: 16,
        apiKeyLength: 20,
        token: secret,
        authorizationHeader: `Bearer ${secret}`,
        requestBody: '{"prompt":"x"}',
        Password: 'hunter2',
        nested: { apiKey: secret } as unknown as string,
        list: [1, 2] as unknown as string,
        host: 'api.example.com',
        endpoint: `https://user:${secret}@api.example.com/v1/chat?api-key=${secret}&x=1#frag`,
        note: `calling http://127.0.0.1:8080/v1?token=${secret} with Bearer ${secret}`,
        path: `/api/llm/profiles?apiKey=${secret}`,
        long: 'x'.repeat(1000),
        ratio: Number.NaN,
        ok: true,
        nothing: null,
      },
    } as DiagnosticsEntry);
    await recorder.close();

    const text = await fs.readFile(path.join(root, 'profiles.jsonl'), 'utf8');
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('tell me');
    expect(text).not.toContain('the answer');
    const [line] = await readLines(path.join(root, 'profiles.jsonl'));
    expect(Object.keys(line ?? {}).sort()).toEqual(
      ['timestamp', 'kind', 'operationId', 'requestId', 'correlationId', 'resultCode', 'httpStatus', 'durationMs', 'safeStorageStatus', 'meta'].sort(),
    );
    expect(line?.meta).toEqual({
      promptLength: 16,
      host: 'api.example.com',
      endpoint: 'https://api.example.com/v1/chat',
      note: 'calling http://127.0.0.1:8080/v1 with Bearer [redacted]',
      path: '/api/llm/profiles',
      long: 'x'.repeat(200),
      ratio: null,
      ok: true,
      nothing: null,
    });
  });

  it('coerces fields to their documented shapes', async () => {
    const recorder = new DiagnosticsRecorder({ dir: root });
    recorder.record(
      entry({
        timestamp: 'not a date',
        kind: 'weird' as DiagnosticsEntry['kind'],
        requestId: 'r'.repeat(100),
        httpStatus: 42,
        durationMs: -5,
        safeStorageStatus: 'maybe' as DiagnosticsEntry['safeStorageStatus'],
        providerType: 'p'.repeat(40),
      }),
    );
    const [recent] = await recorder.recent({ limit: 1 });
    await recorder.close();
    expect(recent).toMatchObject({ kind: 'event', httpStatus: null, durationMs: 0, safeStorageStatus: 'available' });
    expect(recent?.requestId).toHaveLength(64);
    expect(recent?.providerType).toHaveLength(32);
    expect(Number.isNaN(Date.parse(recent?.timestamp ?? ''))).toBe(false);
  });

  it('keeps 50 000 lines within maxFileBytes × maxFiles and at most maxFiles files', async () => {
    const maxFileBytes = 64 * 1024;
    const maxFiles = 4;
    const recorder = new DiagnosticsRecorder({ dir: root, maxFileBytes, maxFiles });
    let longestLine = 0;
    for (let round = 0; round < 50; round += 1) {
      for (let i = 0; i < 1000; i += 1) recorder.record(entry({ requestId: `req-${round}-${i}`, meta: { round, i } }));
      await recorder.flush();
    }
    await recorder.close();

    const files = (await fs.readdir(root)).sort();
    expect(files.length).toBeLessThanOrEqual(maxFiles);
    expect(files).toEqual(['profiles.1.jsonl', 'profiles.2.jsonl', 'profiles.3.jsonl', 'profiles.jsonl']);
    let total = 0;
    for (const name of files) {
      const file = path.join(root, name);
      const { size } = await fs.stat(file);
      expect(size).toBeLessThanOrEqual(maxFileBytes);
      expect(await mode(file)).toBe(0o600);
      for (const line of (await fs.readFile(file, 'utf8')).split('\n')) longestLine = Math.max(longestLine, Buffer.byteLength(line) + 1);
      total += size;
    }
    expect(total).toBeLessThanOrEqual(maxFileBytes * maxFiles + longestLine);
    const newest = await readLines(path.join(root, 'profiles.jsonl'));
    expect(newest.at(-1)?.requestId).toBe('req-49-999');
    expect(recorder.stats()).toEqual({ written: 50_000, dropped: 0, failures: 0 });
  });

  it('keeps one file only when maxFiles is 1', async () => {
    const recorder = new DiagnosticsRecorder({ dir: root, maxFileBytes: 2048, maxFiles: 1 });
    for (let i = 0; i < 200; i += 1) recorder.record(entry({ requestId: `r${i}` }));
    await recorder.close();
    expect(await fs.readdir(root)).toEqual(['profiles.jsonl']);
    expect((await fs.stat(path.join(root, 'profiles.jsonl'))).size).toBeLessThanOrEqual(2048);
  });

  it('never throws when the folder cannot be created, and keeps recent entries in memory', async () => {
    // Tests run as root, which ignores permission bits: a regular file where the folder should be blocks it for anyone.
    const blocked = path.join(root, 'diagnostics');
    await fs.writeFile(blocked, 'not a folder');
    const errors: unknown[] = [];
    const recorder = new DiagnosticsRecorder({ dir: blocked, onError: (err) => errors.push(err) });

    expect(() => {
      for (let i = 0; i < 5; i += 1) recorder.record(entry({ requestId: `r${i}` }));
    }).not.toThrow();
    await expect(recorder.flush()).resolves.toBeUndefined();
    recorder.record(entry({ requestId: 'r5' }));
    await recorder.flush();

    const recent = await recorder.recent({ limit: 10 });
    expect(recent.map((e) => e.requestId)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect(await recorder.recent({ limit: 10, correlationId: 'corr-1' })).toHaveLength(6);
    expect(errors).toHaveLength(1);
    expect(recorder.stats()).toMatchObject({ written: 0, dropped: 6 });
    expect(recorder.stats().failures).toBeGreaterThanOrEqual(2);
    await expect(recorder.close()).resolves.toBeUndefined();
    expect(await fs.readFile(blocked, 'utf8')).toBe('not a folder');
  });

  it('never throws when the folder lies under a regular file', async () => {
    const file = path.join(root, 'a-file');
    await fs.writeFile(file, '');
    const recorder = new DiagnosticsRecorder({ dir: path.join(file, 'diagnostics') });
    recorder.record(entry());
    await recorder.close();
    expect((await recorder.recent({ limit: 5 })).map((e) => e.requestId)).toEqual(['req-1']);
    expect(recorder.stats().failures).toBe(1);
  });

  it('reports a full disk at most once a minute and recovers when space returns', async () => {
    let clock = 1_000_000;
    let diskFull = true;
    const failingFs: DiagnosticsFs = {
      ...fs,
      appendFile: (async (...args: Parameters<typeof fs.appendFile>) => {
        if (diskFull) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        return fs.appendFile(...args);
      }) as typeof fs.appendFile,
    };
    const errors: unknown[] = [];
    const recorder = new DiagnosticsRecorder({ dir: root, fs: failingFs, now: () => clock, onError: (err) => errors.push(err) });

    for (let i = 0; i < 3; i += 1) {
      recorder.record(entry({ requestId: `full-${i}` }));
      await recorder.flush();
      clock += 10_000;
    }
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('ENOSPC');

    clock += 60_000;
    recorder.record(entry({ requestId: 'full-3' }));
    await recorder.flush();
    expect(errors).toHaveLength(2);

    diskFull = false;
    recorder.record(entry({ requestId: 'back' }));
    await recorder.close();
    expect((await readLines(path.join(root, 'profiles.jsonl'))).map((l) => l.requestId)).toEqual(['back']);
    expect(recorder.stats()).toEqual({ written: 1, dropped: 4, failures: 4 });
    expect((await recorder.recent({ limit: 10 })).map((e) => e.requestId)).toEqual(['full-0', 'full-1', 'full-2', 'full-3', 'back']);
  });

  it('survives an onError callback that throws', async () => {
    const recorder = new DiagnosticsRecorder({
      dir: path.join(root, 'missing-parent-is-a-file'),
      onError: () => {
        throw new Error('reporter broke');
      },
    });
    await fs.writeFile(path.join(root, 'missing-parent-is-a-file'), '');
    recorder.record(entry());
    await expect(recorder.close()).resolves.toBeUndefined();
  });

  it('filters by correlation id across rotated files, newest last, never more than limit', async () => {
    const recorder = new DiagnosticsRecorder({ dir: root, maxFileBytes: 4096, maxFiles: 5, recentCapacity: 10 });
    for (let i = 0; i < 60; i += 1) {
      recorder.record(entry({ requestId: `r${i}`, correlationId: i % 3 === 0 ? 'wanted' : `other-${i}`, timestamp: new Date(1_700_000_000_000 + i * 1000).toISOString() }));
    }
    await recorder.flush();
    expect((await fs.readdir(root)).length).toBeGreaterThan(1);

    const wanted = await recorder.recent({ limit: 100, correlationId: 'wanted' });
    expect(wanted.map((e) => e.requestId)).toEqual(Array.from({ length: 20 }, (_, k) => `r${k * 3}`));
    const lastThree = await recorder.recent({ limit: 3, correlationId: 'wanted' });
    expect(lastThree.map((e) => e.requestId)).toEqual(['r51', 'r54', 'r57']);
    expect(await recorder.recent({ limit: 5, correlationId: 'nobody' })).toEqual([]);

    const latest = await recorder.recent({ limit: 4 });
    expect(latest.map((e) => e.requestId)).toEqual(['r56', 'r57', 'r58', 'r59']);
    // More than the in-memory ring holds: the files answer.
    const more = await recorder.recent({ limit: 25 });
    expect(more).toHaveLength(25);
    expect(more.at(-1)?.requestId).toBe('r59');
    expect(await recorder.recent({ limit: 0 })).toEqual([]);
    await recorder.close();
  });

  it('reads entries written by an earlier run and ignores damaged lines', async () => {
    const first = new DiagnosticsRecorder({ dir: root });
    first.record(entry({ requestId: 'earlier', correlationId: 'c' }));
    await first.close();
    await fs.appendFile(path.join(root, 'profiles.jsonl'), 'not json\n{"requestId":1}\n');

    const second = new DiagnosticsRecorder({ dir: root });
    second.record(entry({ requestId: 'later', correlationId: 'c' }));
    const found = await second.recent({ limit: 10, correlationId: 'c' });
    await second.close();
    expect(found.map((e) => e.requestId)).toEqual(['earlier', 'later']);
  });

  it('keeps recording in memory after close without touching the disk', async () => {
    const recorder = new DiagnosticsRecorder({ dir: root });
    recorder.record(entry({ requestId: 'before' }));
    await recorder.close();
    recorder.record(entry({ requestId: 'after' }));
    await recorder.flush();
    expect((await readLines(path.join(root, 'profiles.jsonl'))).map((l) => l.requestId)).toEqual(['before']);
    expect((await recorder.recent({ limit: 2 })).map((e) => e.requestId)).toEqual(['before', 'after']);
  });

  it('drops new lines rather than growing without bound while the disk lags', async () => {
    const recorder = new DiagnosticsRecorder({ dir: root, maxPendingLines: 100 });
    for (let i = 0; i < 150; i += 1) recorder.record(entry({ requestId: `r${i}` }));
    await recorder.close();
    const lines = await readLines(path.join(root, 'profiles.jsonl'));
    expect(lines).toHaveLength(100);
    expect(lines.at(-1)?.requestId).toBe('r99');
    expect(recorder.stats()).toEqual({ written: 100, dropped: 50, failures: 0 });
  });
});
