import { performance } from 'node:perf_hooks';
import { SpireError, codeName } from '../errors.js';
import type { CallCounter, Metrics } from './metrics.js';

/** Method name to the SPIRE key its calls are counted under (e.g. `['datastore', 'node', 'fetch']`). */
export type CallKeys<T> = Partial<Record<keyof T & string, readonly string[]>>;

/** The gRPC code name a failed call is labelled with: the SpireError's code, else `Unknown`. */
export function statusOfError(err: unknown): string {
  return err instanceof SpireError ? codeName(err.code) : 'Unknown';
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** Counts one iteration as one call: done when the consumer finishes, breaks or fails. */
async function* countedIteration<V>(source: AsyncIterable<V>, calls: CallCounter, t0: number): AsyncGenerator<V> {
  let status = 'OK';
  try {
    yield* source;
  } catch (err) {
    status = statusOfError(err);
    throw err;
  } finally {
    calls.done(status, performance.now() - t0);
  }
}

/**
 * Wraps `target` so that each call of a method listed in `keys` is counted with SPIRE's call
 * counter pattern: `<key>` plus `<key>_elapsed_time`, labelled `status` (`OK`, or the failure's
 * gRPC code name). A promise is counted when it settles, an async iterable when its iteration
 * ends; results and errors pass through unchanged. Unlisted members are passed through. With
 * telemetry off the target itself is returned, so the hot path pays nothing.
 */
export function instrumentCalls<T extends object>(target: T, keys: CallKeys<T>, metrics: Metrics): T {
  if (!metrics.enabled) return target;
  const counters = new Map<string | symbol, CallCounter>();
  for (const [method, key] of Object.entries(keys) as [string, readonly string[]][]) counters.set(method, metrics.callCounter(key));
  const wrapped = new Map<string | symbol, unknown>();
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value: unknown = Reflect.get(t, prop, receiver);
      const calls = counters.get(prop);
      if (typeof value !== 'function' || !calls) return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        fn = (...args: unknown[]) => {
          // The method is read at each call, not once: a target that swaps what it forwards to
          // (a plugin reconfigured on SIGUSR1) is followed.
          const original = Reflect.get(t, prop, t) as (...a: unknown[]) => unknown;
          const t0 = performance.now();
          let out: unknown;
          try {
            out = original.apply(t, args);
          } catch (err) {
            calls.done(statusOfError(err), performance.now() - t0);
            throw err;
          }
          if (out instanceof Promise) {
            return out.then(
              (v: unknown) => {
                calls.done('OK', performance.now() - t0);
                return v;
              },
              (err: unknown) => {
                calls.done(statusOfError(err), performance.now() - t0);
                throw err;
              },
            );
          }
          if (isAsyncIterable(out)) return countedIteration(out, calls, t0);
          calls.done('OK', performance.now() - t0);
          return out;
        };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}

/**
 * Runs `fn` and counts it on `calls` (SPIRE's call counter: `OK` or the failure's code name, and
 * the elapsed milliseconds). The result or error passes through.
 */
export async function countCall<T>(calls: CallCounter, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    const out = await fn();
    calls.done('OK', performance.now() - t0);
    return out;
  } catch (err) {
    calls.done(statusOfError(err), performance.now() - t0);
    throw err;
  }
}
