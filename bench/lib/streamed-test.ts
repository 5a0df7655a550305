/**
 * The streamed test prompt: what the service adds to a streamed answer (through the service
 * minus the same stream read directly), and how far the service's time to first token sits from
 * the wait the emulator itself stamped (request received → first token sent).
 */
import { startEmulator } from '../../test/support/emulators/providers/index.js';
import { BenchClient } from './http.js';
import type { Figure } from './report.js';
import { percentile, round } from './stats.js';

const PAIRS = 100;
/** A short real-looking stream: a 20 ms wait, then 20 tokens 2 ms apart. */
export const SCRIPT = { waitMs: 20, tokens: 20, intervalMs: 2 };
/** The chat request the service's llama.cpp adapter sends for a streamed test, sent directly. */
export const STREAMED_CHAT = {
  model: 'qwen2.5-7b-instruct',
  messages: [{ role: 'user', content: 'Reply with one word: ready?' }],
  max_tokens: 16,
  stream: true,
  stream_options: { include_usage: true },
};

export async function streamedPromptTest(api: BenchClient, list: string): Promise<Figure[]> {
  const emulator = await startEmulator('llama.cpp', { stream: SCRIPT });
  const direct = new BenchClient(emulator.url, { 'User-Agent': 'llm-profiles-bench' }, { keepAlive: false });
  try {
    const { json } = await api.expect<{ profile: { id: string } }>(201, 'POST', list, {
      profile: { name: 'Bench streaming emulator', providerType: 'llama.cpp', endpointUrl: emulator.url, modelId: 'qwen2.5-7b-instruct' },
    });
    const testPath = `${list}/${json.profile.id}/test`;
    const ttftGap: number[] = [];
    const viaService = async (): Promise<number> => {
      const reply = await api.expect<{ success: boolean; errorCode: string | null; timeToFirstTokenMs?: number }>(200, 'POST', testPath, { stream: true });
      if (!reply.json.success || reply.json.timeToFirstTokenMs === undefined) throw new Error(`the streamed test failed: ${reply.json.errorCode}`);
      const log = emulator.stream.log.at(-1);
      if (log?.tokenTimes[0] !== undefined) ttftGap.push(reply.json.timeToFirstTokenMs - (log.tokenTimes[0] - log.receivedAt));
      return reply.ms;
    };
    const straight = async (): Promise<number> => {
      const reply = await direct.request('POST', '/v1/chat/completions', STREAMED_CHAT, { Accept: 'text/event-stream' });
      if (reply.status !== 200 || !reply.body.includes('[DONE]')) throw new Error(`the emulator answered ${reply.status}: ${reply.body.slice(0, 200)}`);
      return reply.ms;
    };
    for (let i = 0; i < 10; i += 1) {
      await viaService();
      await straight();
    }
    ttftGap.length = 0;
    const service: number[] = [];
    const streamed: number[] = [];
    for (let i = 0; i < PAIRS; i += 1) {
      service.push(await viaService());
      streamed.push(await straight());
    }
    return [
      {
        id: 'test.streamOverhead',
        label: 'streamed test prompt overhead: p50',
        unit: 'ms',
        value: percentile(service, 50) - percentile(streamed, 50),
        baseline: { label: 'the same stream read directly, p50', value: percentile(streamed, 50) },
        target: { kind: 'atMost', value: 5, of: 'value' },
        notes: `p50 through the service ${round(percentile(service, 50))} ms; ${PAIRS} pairs, alternated; script ${JSON.stringify(SCRIPT)}; emulator violations: ${emulator.violations.length}`,
      },
      {
        id: 'test.ttftGap',
        label: 'time to first token: service − emulator wait, p50',
        unit: 'ms',
        value: percentile(ttftGap, 50),
        baseline: { label: "the emulator's own stamped wait", value: SCRIPT.waitMs },
        target: null,
        notes: `what the service's figure adds to the wait the emulator stamped (connect, send, delivery); p99 ${round(percentile(ttftGap, 99))} ms`,
      },
    ];
  } finally {
    direct.close();
    await emulator.close();
  }
}
