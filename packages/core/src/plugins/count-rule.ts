/**
 * How many plugins of one type may load, as SPIRE's catalog constraints say.
 * `min` 0 means optional; `max` 0 means no upper bound.
 */
export interface CountRule {
  readonly min: number;
  readonly max: number;
}

/** Exactly one plugin of the type must be configured. */
export const exactlyOne: CountRule = { min: 1, max: 1 };
/** Zero or one plugin of the type. */
export const maybeOne: CountRule = { min: 0, max: 1 };
/** Any number of plugins of the type. */
export const zeroOrMore: CountRule = { min: 0, max: 0 };

/**
 * Checks `count` against `rule`. Returns a problem in SPIRE's words ("expected exactly 1 but got
 * 0"), or undefined when the count is fine.
 */
export function checkCount(rule: CountRule, count: number): string | undefined {
  if (rule.max > 0 && rule.min === rule.max && rule.min !== count) {
    return `expected exactly ${rule.min} but got ${count}`;
  }
  if (rule.min > 0 && rule.min > count) return `expected at least ${rule.min} but got ${count}`;
  if (rule.max > 0 && rule.max < count) return `expected at most ${rule.max} but got ${count}`;
  return undefined;
}
