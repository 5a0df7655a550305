import { nodeFs, WRITE_STEPS, type FsLayer, type WriteStep } from '../../../src/vault/fs-layer.js';
import { faultyFs } from '../fs-faults.js';

export interface SwitchableFs {
  fs: FsLayer;
  /** From now on, the given durable-write step fails with EIO (null: nothing fails). */
  arm(step: WriteStep | null): void;
}

/** An fs layer whose fault can be switched on for one request and off again, so set-up and checks run on a healthy disk. */
export function switchableFs(base: FsLayer = nodeFs): SwitchableFs {
  const faulty = new Map(WRITE_STEPS.map((step) => [step, faultyFs(step, base)]));
  let armed: WriteStep | null = null;
  const current = (): FsLayer => (armed === null ? base : (faulty.get(armed) as FsLayer));
  return {
    arm(step) {
      armed = step;
    },
    fs: {
      readFile: (file) => current().readFile(file),
      openExclusive: (file, mode) => current().openExclusive(file, mode),
      rename: (from, to) => current().rename(from, to),
      link: (existing, newPath) => current().link(existing, newPath),
      unlink: (file) => current().unlink(file),
      readdir: (dir) => current().readdir(dir),
      mkdir: (dir, mode) => current().mkdir(dir, mode),
      stat: (file) => current().stat(file),
      syncDir: (dir) => current().syncDir(dir),
    },
  };
}
