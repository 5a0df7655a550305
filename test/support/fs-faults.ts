import { nodeFs, type FsLayer, type WriteStep } from '../../src/vault/fs-layer.js';

/** An error shaped like the one Node raises for a failing disk. */
export function ioError(syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EIO: i/o error, ${syscall} (injected)`), { code: 'EIO', errno: -5, syscall });
}

/** `base`, except that the given durable-write step fails with EIO every time. */
export function faultyFs(step: WriteStep, base: FsLayer = nodeFs): FsLayer {
  const fail = (syscall: string) => Promise.reject(ioError(syscall));
  return {
    ...base,
    async openExclusive(file, mode) {
      if (step === 'open') return fail('open');
      const handle = await base.openExclusive(file, mode);
      return {
        write: (data) => (step === 'write' ? fail('write') : handle.write(data)),
        sync: () => (step === 'fsync' ? fail('fsync') : handle.sync()),
        close: () => handle.close(),
      };
    },
    rename: (from, to) => (step === 'rename' ? fail('rename') : base.rename(from, to)),
    syncDir: (dir) => (step === 'dirFsync' ? fail('fsync') : base.syncDir(dir)),
  };
}
