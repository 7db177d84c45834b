import { withDeadline } from '@spire-ts/core/plugin';

/**
 * Runs `fn` with an abort signal that fires after `ms` (SPIRE bounds each stage of an
 * attestation's AWS calls by 20 s). The signal's reason is a `TimeoutError` saying so; the AWS
 * calls rethrow it when they are aborted ({@link abortedCallError}).
 */
export function withAwsDeadline<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return withDeadline(ms, 'AWS', fn);
}

/** The error an AWS call reports: the deadline's reason when its signal aborted, else its own. */
export function abortedCallError(e: unknown, signal: AbortSignal): unknown {
  if (!signal.aborted || !(signal.reason instanceof Error)) return e;
  const err = new Error(signal.reason.message, { cause: e });
  err.name = signal.reason.name;
  return err;
}
