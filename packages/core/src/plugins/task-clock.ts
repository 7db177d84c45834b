/**
 * The time source of a plugin's background tasks (the cloud KeyManagers' key upkeep): the wall
 * clock in production, `FakeTaskClock` (plugin testing entry) in tests, so that a test moves six
 * hours or fourteen days at once.
 */
export interface TaskClock {
  now(): Date;
  /**
   * Runs `fn` every `periodMs`, the first time one period from now (as a Go ticker). A tick that
   * comes while the previous run is still going is skipped. Returns the function that stops it.
   */
  every(periodMs: number, fn: () => Promise<void>): () => void;
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** The wall clock; its timers do not keep the process alive. */
export const systemClock: TaskClock = {
  now: () => new Date(),
  every(periodMs, fn) {
    let running = false;
    const t = setInterval(() => {
      if (running) return;
      running = true;
      void fn().finally(() => {
        running = false;
      });
    }, periodMs);
    t.unref();
    return () => clearInterval(t);
  },
  sleep(ms, signal) {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const t = setTimeout(done, ms);
      t.unref();
      signal.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  },
};
