/** The time source of the CA; tests inject a fake one. */
export interface Clock {
  /** Unix milliseconds. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };
