/**
 * The floor under every profile write: the same bytes written the way the vault writes them
 * (temp file 0600 → fsync → rename → fsync the directory), with nothing else around it.
 */
import { open, rename } from 'node:fs/promises';
import path from 'node:path';

export async function durableWrite(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
