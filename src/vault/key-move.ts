/**
 * `migrate-key`: moves the vault key between the keyring and the key file so that a kill at any
 * point leaves exactly one key the vault uses. The vault records the move before the new copy is
 * written and records the switch only after that copy is verified; whoever opens the vault next
 * (the service or another `migrate-key`) finishes or rolls back a move it finds half done.
 */
import { isMissing, type KeyStore, type KeyStoreKind } from './key-store.js';
import { keyCheckFor, keyMatches } from './safe-storage.js';
import type { ProfileVault } from './store.js';

export const MOVE_STEPS = ['intent', 'copy', 'verify', 'switch', 'remove-old', 'done'] as const;
export type MoveStep = (typeof MOVE_STEPS)[number];

export type KeyStores = Record<KeyStoreKind, KeyStore>;

export class KeyMoveError extends Error {}

/** Where the vault's key lives by its own record; vaults from before the keyring use the file. */
function recordedStore(vault: ProfileVault): KeyStoreKind {
  return vault.snapshot().keyStore ?? 'file';
}

/**
 * Completes a move a kill interrupted: before the switch was recorded the new copy is removed,
 * after it the old one is. Returns what it did, or null when no move was pending. Throws when a
 * store cannot be reached (the move stays recorded and is finished next time).
 */
export async function finishPendingMove(vault: ProfileVault, stores: KeyStores): Promise<string | null> {
  const move = vault.snapshot().keyMove;
  if (!move) return null;
  const switched = recordedStore(vault) === move.to;
  const leftover = switched ? move.from : move.to;
  await removeCopy(stores[leftover]);
  await vault.commit((draft) => {
    delete draft.keyMove;
  });
  return switched ? `finished moving the vault key to the ${move.to}` : `undid an unfinished move of the vault key to the ${move.to}; it stays in the ${move.from}`;
}

async function removeCopy(store: KeyStore): Promise<void> {
  try {
    await store.remove();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

async function keyFrom(store: KeyStore): Promise<Buffer> {
  const read = await store.read();
  if (!read.ok) throw new KeyMoveError(`the vault key cannot be read from the ${store.kind} (${read.reason})`);
  return read.key;
}

/**
 * Moves the key to `to`. `afterStep` runs after each step (the tests stop the process there).
 * Throws KeyMoveError with a sentence for the learner when the key cannot be moved.
 */
export async function moveKey(vault: ProfileVault, stores: KeyStores, to: KeyStoreKind, afterStep: (step: MoveStep) => Promise<void> = async () => undefined): Promise<void> {
  await finishPendingMove(vault, stores);
  const from = recordedStore(vault);
  if (from === to) throw new KeyMoveError(`the vault key is already in the ${to}`);
  const source = stores[from];
  const target = stores[to];
  const key = await keyFrom(source);
  if (!keyMatches(key, vault.snapshot().keyCheck)) throw new KeyMoveError(`the key in the ${from} does not match the saved profiles (key-mismatch)`);

  // Checked before anything is recorded, so a refusal leaves nothing to undo.
  const existing = await target.read();
  if (existing.ok && !existing.key.equals(key)) {
    throw new KeyMoveError(`the ${to} already holds a different key for this data folder; remove it first`);
  }
  if (!existing.ok && !isMissing(existing.reason)) throw new KeyMoveError(`the ${to} cannot be used (${existing.reason})`);

  await vault.commit((draft) => {
    draft.keyMove = { from, to };
  });
  await afterStep('intent');

  try {
    if (!existing.ok) await target.write(key);
    await afterStep('copy');
    const copy = await target.read();
    if (!copy.ok || !copy.key.equals(key)) throw new KeyMoveError(`the copy in the ${to} could not be read back${copy.ok ? '' : ` (${copy.reason})`}`);
    await afterStep('verify');
  } catch (error) {
    // The switch is not recorded: undo the copy, keep the key where it was.
    await finishPendingMove(vault, stores).catch(() => undefined);
    throw error instanceof KeyMoveError ? error : new KeyMoveError(`the key could not be written to the ${to}`);
  }

  await vault.commit((draft) => {
    draft.keyStore = to;
    draft.keyCheck ??= keyCheckFor(key);
  });
  await afterStep('switch');

  await removeCopy(source);
  await afterStep('remove-old');

  await vault.commit((draft) => {
    delete draft.keyMove;
  });
  await afterStep('done');
}
