import { errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';

/** One thing a signal makes the server do. */
export type SignalAction = () => unknown;

/**
 * Makes `run` callable at any time while never running twice at once: a call while a run is
 * under way queues one more run after it (several such calls still queue only one). The
 * returned promise settles when the run that covers the call has finished; it never rejects
 * (`run`'s errors are for `run` to report).
 */
export function serialized(run: () => Promise<void>): () => Promise<void> {
  let current: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const p = run()
      .catch(() => undefined)
      .then(() => {
        if (current === p) current = undefined;
      });
    current = p;
    return p;
  };
  return () => {
    if (!current) return start();
    queued ??= current.then(() => {
      queued = undefined;
      return start();
    });
    return queued;
  };
}

/**
 * Runs `actions`, in order, each time the process gets `signal` (as SIGUSR1 makes SPIRE reconfigure
 * its plugins and dump in-memory metrics). The list is read at each signal, so an action pushed
 * later runs too. Runs are serialized (see serialized): a signal arriving during a run queues one
 * more run. An action that throws is logged and does not stop the next. Returns the function
 * that removes the handler; calling it twice is safe, and a run under way still finishes.
 */
export function runOnSignal(signal: NodeJS.Signals, actions: readonly SignalAction[], log: Logger): () => void {
  const runAll = serialized(async () => {
    for (const action of actions) {
      try {
        await action();
      } catch (err) {
        log.error({ signal, error: errorMessage(err) }, 'Signal action failed');
      }
    }
  });
  const onSignal = () => void runAll();
  process.on(signal, onSignal);
  return () => {
    process.off(signal, onSignal);
  };
}
