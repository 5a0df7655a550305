import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';

/**
 * The bearer token lives in a 0600 file in the data dir (never argv, where other users could
 * read it). Created with 32 random bytes on first start; an existing file is reused.
 */
export async function readOrCreateToken(file: string): Promise<string> {
  try {
    const existing = (await fs.readFile(file, 'utf8')).trim();
    if (existing.length >= 32) {
      await fs.chmod(file, 0o600);
      return existing;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  const handle = await fs.open(file, 'w', 0o600);
  try {
    await handle.writeFile(`${token}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.chmod(file, 0o600);
  return token;
}
