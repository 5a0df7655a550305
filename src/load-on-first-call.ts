/**
 * A service whose modules are imported on its first call instead of at start. The first request
 * needs none of the services made this way (test prompts, model lists, discovery), and importing
 * their provider, streaming and probing modules was a good part of every start. Only a service
 * whose every public member is an async method qualifies (the type says so), so a call simply
 * waits for the import, then runs on the one instance made then.
 */
type OnlyAsyncMethods<T> = { [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? T[K] : never };

export function loadOnFirstCall<T extends OnlyAsyncMethods<T>>(load: () => Promise<T>): T {
  let instance: Promise<T> | undefined;
  return new Proxy({} as T, {
    get(_target, name) {
      // Not a thenable, not inspectable as anything but a set of methods.
      if (typeof name !== 'string' || name === 'then') return undefined;
      return async (...args: unknown[]): Promise<unknown> => {
        const service = await (instance ??= load());
        return (Reflect.get(service, name) as (...a: unknown[]) => Promise<unknown>).apply(service, args);
      };
    },
  });
}
