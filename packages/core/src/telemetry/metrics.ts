/** Label name to value. */
export type Labels = Readonly<Record<string, string>>;

/**
 * A call counter for one key, resolved once (name, filters, fixed labels): each `done` adds one
 * to the counter `<key>` and observes the elapsed milliseconds in the summary
 * `<key>_elapsed_time`, both labelled `status` with the gRPC code name.
 */
export interface CallCounter {
  /** Records one finished call; `status` is errors.ts's codeName of its code. Never throws. */
  done(status: string, elapsedMs: number): void;
}

/**
 * The metrics facade the kernel calls. Keys are SPIRE's key parts (`['rpc', 'entry', ...]`); the
 * implementation adds the prefix, the host and trust domain labels and applies the filters of
 * `telemetry { }`. Every method is cheap and never throws.
 */
export interface Metrics {
  /** False for the no-op facade: callers may skip measuring altogether. */
  readonly enabled: boolean;
  incrCounter(key: readonly string[], value?: number, labels?: Labels): void;
  setGauge(key: readonly string[], value: number, labels?: Labels): void;
  /** Adds a sample (a summary observation) in the caller's unit. */
  addSample(key: readonly string[], value: number, labels?: Labels): void;
  /** Adds the milliseconds since `startMs` (a `performance.now()` reading) as a sample. */
  measureSince(key: readonly string[], startMs: number, labels?: Labels): void;
  /**
   * A precomputed call counter for `key`, its series also labelled with `labels`; resolve it
   * once and keep it (hot paths).
   */
  callCounter(key: readonly string[], labels?: Labels): CallCounter;
}

const NOOP_CALL_COUNTER: CallCounter = { done: () => {} };

/** The facade when telemetry is off: every method does nothing. */
export const NOOP_METRICS: Metrics = {
  enabled: false,
  incrCounter: () => {},
  setGauge: () => {},
  addSample: () => {},
  measureSince: () => {},
  callCounter: () => NOOP_CALL_COUNTER,
};
