/** A stand-in for an object whose target can be replaced while callers keep the stand-in. */
export interface Swappable<T extends object> {
  /** Hand this out: every property read goes to the current target. */
  readonly proxy: T;
  /** The target calls go to now. */
  current(): T;
  /** Makes `next` the target and returns the previous one (for the caller to close). */
  swap(next: T): T;
}

/**
 * Wraps `initial` so that it can be replaced in place: methods read through `proxy` are bound to
 * the target current at the time of the read, so a call already under way finishes on the old
 * target and the next one goes to the new. `in` checks and the prototype follow the target too.
 */
export function swappable<T extends object>(initial: T): Swappable<T> {
  let target = initial;
  const proxy = new Proxy(initial, {
    get(_t, prop) {
      const cur = target;
      const v = Reflect.get(cur, prop, cur) as unknown;
      if (typeof v !== 'function' || prop === 'constructor') return v;
      return (v as (...a: unknown[]) => unknown).bind(cur);
    },
    has: (_t, prop) => Reflect.has(target, prop),
    getPrototypeOf: () => Reflect.getPrototypeOf(target),
  });
  return {
    proxy,
    current: () => target,
    swap(next) {
      const old = target;
      target = next;
      return old;
    },
  };
}
