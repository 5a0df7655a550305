import { execFile } from 'node:child_process';
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/compose.js';

const run = promisify(execFile);

/**
 * Runs the `docs` script from package.json (whatever flags it has), writing aside and renaming into
 * place so a server starting meanwhile never reads half a page.
 */
export async function buildDocs(): Promise<void> {
  const root = packageRoot();
  const scripts = (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [command, ...args] = (scripts.docs ?? '').split(/\s+/);
  const output = args.indexOf('--output');
  if (command !== 'redocly' || output < 0) throw new Error(`the docs script is not a redocly build with --output: ${scripts.docs}`);
  const target = path.join(root, args[output + 1] as string);
  await mkdir(path.dirname(target), { recursive: true });
  const aside = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  args[output + 1] = aside;
  await run(path.join(root, 'node_modules', '.bin', 'redocly'), args, { cwd: root });
  await rename(aside, target);
}
