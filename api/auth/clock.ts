/**
 * The time source of the security rules (lockout, idle timeout). Injectable so tests can jump
 * 15 or 30 minutes ahead instead of waiting.
 */
let source: () => Date = () => new Date();

export function now(): Date {
  return source();
}

/** Installs another clock; returns a function that restores the previous one. */
export function setClock(fn: () => Date): () => void {
  const prev = source;
  source = fn;
  return () => {
    source = prev;
  };
}
