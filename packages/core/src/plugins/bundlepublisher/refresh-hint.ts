import { parseDuration } from '../../duration.js';

/** A BundlePublisher `refresh_hint`, read as SPIRE's bundlepublisher `common.ParseRefreshHint`. */
export interface RefreshHint {
  /** Whole seconds, as the bundle carries them. */
  seconds: number;
  /** SPIRE's informational notes for a hint of 24 h or more, or under 1 minute. */
  notes: string[];
}

/**
 * Parses a BundlePublisher `refresh_hint` (a Go duration such as `10m`). Throws an Error
 * `could not parse refresh hint "<text>": <reason>` when it is not a duration; the caller adds
 * its own prefix, as each SPIRE plugin does.
 */
export function parseRefreshHint(text: string): RefreshHint {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    throw new Error(`could not parse refresh hint ${JSON.stringify(text)}: ${(err as Error).message}`);
  }
  const notes: string[] = [];
  if (ms >= 24 * 3_600_000) {
    notes.push("Bundle endpoint refresh hint set to a high value. To cover the case of unscheduled trust bundle updates, it's recommended to have a smaller value, e.g. 5m");
  }
  if (ms < 60_000) notes.push('Bundle endpoint refresh hint set too low. SPIRE will not refresh more often than 1 minute');
  return { seconds: Math.trunc(ms / 1000), notes };
}

/**
 * Reads an optional `refresh_hint` option: its seconds (0 when `text` is empty), with its notes
 * added to `notes`; a value that does not parse is reported through `problem` as
 * `<context>: <reason>` and reads as 0.
 */
export function readRefreshHint(text: string, notes: string[], problem: (message: string) => void, context: string): number {
  if (!text) return 0;
  try {
    const parsed = parseRefreshHint(text);
    notes.push(...parsed.notes);
    return parsed.seconds;
  } catch (err) {
    problem(`${context}: ${(err as Error).message}`);
    return 0;
  }
}
