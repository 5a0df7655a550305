import { mkdir, readFile, rename, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROOF_SCALE, PROOF_SEED } from './scale.js';

const FIGURES_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../proof/.last-run.json');
const LOCK_DIR = `${FIGURES_FILE}.lock`;

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  // Two jest workers may finish proof files at the same moment; mkdir is atomic.
  for (let attempt = 0; ; attempt += 1) {
    try {
      await mkdir(LOCK_DIR);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  try {
    return await work();
  } finally {
    await rmdir(LOCK_DIR).catch(() => undefined);
  }
}

/**
 * Prints the figures a proof file measured (so they show in the jest output) and merges them
 * into test/proof/.last-run.json (git-ignored), keyed by suite.
 */
export async function reportFigures(suite: string, figures: Record<string, unknown>): Promise<void> {
  const entry = { ...figures, scale: PROOF_SCALE, seed: PROOF_SEED, finishedAt: new Date().toISOString() };
  console.log(`[proof] ${suite}\n${JSON.stringify(entry, null, 2)}`);
  await withLock(async () => {
    let all: Record<string, unknown> = {};
    try {
      all = JSON.parse(await readFile(FIGURES_FILE, 'utf8')) as Record<string, unknown>;
    } catch {
      all = {};
    }
    all[suite] = entry;
    const temp = `${FIGURES_FILE}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(all, null, 2)}\n`);
    await rename(temp, FIGURES_FILE);
  });
}
