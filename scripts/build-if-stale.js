/**
 * Makes dist/ current with the package's own `npm run build` when a source is newer than it. The
 * jest global set-up of the projects that start the built service (`node dist/service/main.js`, what
 * `npm start` runs), so it is built once, before any test file starts, and no test starts a server
 * from a dist/ another test is rewriting; `npm run bench` runs it as a script before it measures.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLE = path.join(ROOT, 'dist', 'service', 'main.js');
const INPUTS = ['src', 'generated', 'openapi', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'scripts/bundle.mjs'];

function newest(file) {
  const stat = statSync(path.join(ROOT, file));
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path.join(ROOT, file), { recursive: true, encoding: 'utf8' }).reduce((max, name) => Math.max(max, statSync(path.join(ROOT, file, name)).mtimeMs), 0);
}

/** The build's last output: the bundle is written after everything else it builds. */
function builtAt() {
  try {
    return statSync(BUNDLE).mtimeMs;
  } catch {
    return 0;
  }
}

export default function buildIfStale() {
  if (builtAt() >= Math.max(...INPUTS.map(newest))) return;
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    // tsc still emits when a file elsewhere has a type error (`npm run typecheck` is where those
    // fail), but the build stops there: its remaining steps make the bundle from what tsc emitted.
    for (const step of ['scripts/contract-cache.mjs', 'scripts/bundle.mjs']) execFileSync(process.execPath, [step], { cwd: ROOT, stdio: 'ignore' });
  }
  statSync(BUNDLE);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildIfStale();
