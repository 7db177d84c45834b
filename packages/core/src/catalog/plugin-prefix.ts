import { Code, KernelErrors, SpireError, errorCode, errorMessage } from '../errors.js';

/** SPIRE's prefix for errors from a plugin, e.g. `keymanager(disk): `. */
export function pluginPrefix(type: string, name: string): string {
  return `${type.toLowerCase()}(${name}): `;
}

/**
 * The error for a plugin whose `create` threw: a SpireError keeps its code and gets the plugin
 * prefix; anything else becomes INTERNAL `failed to load plugin <type> "<name>": ...`.
 */
export function createFailure(type: string, name: string, err: unknown): SpireError {
  return err instanceof SpireError ? err.withPrefix(pluginPrefix(type, name)) : KernelErrors.pluginLoad(type, name, err);
}

function prefixed(err: unknown, prefix: string): SpireError {
  if (err instanceof SpireError) {
    return err.message.startsWith(prefix) ? err : err.withPrefix(prefix);
  }
  const code = errorCode(err);
  return new SpireError(code === Code.OK ? Code.UNKNOWN : code, `${prefix}${errorMessage(err)}`, { cause: err });
}

function wrapIterable<T>(it: AsyncIterable<T>, prefix: string): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const inner = it[Symbol.asyncIterator]();
      return {
        async next() {
          try {
            return await inner.next();
          } catch (err) {
            throw prefixed(err, prefix);
          }
        },
        async return(v?: unknown) {
          return inner.return ? inner.return(v) : { done: true, value: undefined as T };
        },
      };
    },
  };
}

/**
 * Wraps a plugin instance so that every error its methods throw (or reject with, or raise while
 * iterating a returned async iterable) carries the plugin prefix exactly once, with its code kept.
 * Calling it twice on the same instance adds no second prefix.
 */
export function withPluginPrefix<T extends object>(instance: T, type: string, name: string): T {
  const prefix = pluginPrefix(type, name);
  return new Proxy(instance, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function' || prop === 'constructor') return v;
      return function (this: unknown, ...args: unknown[]) {
        let out: unknown;
        try {
          out = (v as (...a: unknown[]) => unknown).apply(target, args);
        } catch (err) {
          throw prefixed(err, prefix);
        }
        if (out instanceof Promise) return out.catch((err: unknown) => Promise.reject(prefixed(err, prefix)));
        if (out && typeof out === 'object' && Symbol.asyncIterator in out) {
          return wrapIterable(out as AsyncIterable<unknown>, prefix);
        }
        return out;
      };
    },
  });
}
