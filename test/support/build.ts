import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/compose.js';

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function newestSource(dir: string): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .reduce((newest, name) => Math.max(newest, mtime(path.join(dir, name))), 0);
}

/**
 * `npm ci` builds dist/ (prepare); a working copy edited since, or built before a file was emitted,
 * is rebuilt here so a test of built files runs today's code. `files` are paths under the package root.
 */
export async function ensureBuilt(files: string[]): Promise<void> {
  const root = packageRoot();
  const sources = Math.max(newestSource(path.join(root, 'src')), newestSource(path.join(root, 'generated')));
  if (files.every((file) => mtime(path.join(root, file)) >= sources)) return;
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  // tsc still emits when a file elsewhere has a type error; `npm run typecheck` is where those fail.
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root }).catch(() => undefined);
  for (const file of files) statSync(path.join(root, file));
}
