import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/compose.js';

const run = promisify(execFile);

/** What the built page is made from: the spec, the docs script and redocly's version and config. */
const INPUTS = ['openapi/llm-profiles.yaml', 'package.json', 'package-lock.json', 'redocly.yaml'];

async function mtimeMs(file: string): Promise<number | null> {
  return stat(file).then(
    (info) => info.mtimeMs,
    () => null,
  );
}

/** True when the page exists and is newer than everything it is built from (as make decides). */
async function isCurrent(root: string, target: string): Promise<boolean> {
  const built = await mtimeMs(target);
  if (built === null) return false;
  const inputs = await Promise.all(INPUTS.map((file) => mtimeMs(path.join(root, file))));
  return inputs.every((input) => input === null || input < built);
}

/**
 * Runs the `docs` script from package.json (whatever flags it has), writing aside and renaming into
 * place so a server starting meanwhile never reads half a page. Two test files serve the page; the
 * second finds it current and does not build it again.
 */
export async function buildDocs(): Promise<void> {
  const root = packageRoot();
  const scripts = (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [command, ...args] = (scripts.docs ?? '').split(/\s+/);
  const output = args.indexOf('--output');
  if (command !== 'redocly' || output < 0) throw new Error(`the docs script is not a redocly build with --output: ${scripts.docs}`);
  const target = path.join(root, args[output + 1] as string);
  if (await isCurrent(root, target)) return;
  await mkdir(path.dirname(target), { recursive: true });
  const aside = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  args[output + 1] = aside;
  await run(path.join(root, 'node_modules', '.bin', 'redocly'), args, { cwd: root });
  await rename(aside, target);
}
