import { createRequire } from "node:module";

/**
 * A module imported on the first call and kept, for packages a process may never need (a mail
 * parser in a web-only process, a GitHub client on a desk without GitHub): an idle process does not
 * carry them. Kept, because each `import()` goes through the loader's resolution again (and through a
 * loader hook's thread when one is registered, as tsx does: 0.25 ms a call).
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

const requirePackage = createRequire(import.meta.url);

/**
 * The synchronous form, for a CommonJS package whose callers cannot await (a Markdown renderer called
 * by a presenter): required at the first call and kept.
 */
export function requireOnFirstUse<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= requirePackage(specifier) as T;
    return loaded;
  };
}
