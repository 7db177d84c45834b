/** Bulk import: entries parsed by the server, created in chunks with a result per entry. */
import type { BatchEntryResponse, Entry, Status } from '../api-types';
import { idString } from './ids';

/** Entries per BatchCreateEntry call. */
export const IMPORT_CHUNK = 50;

/** Splits `items` into consecutive chunks of at most `size` (size ≥ 1). */
export function chunk<T>(items: readonly T[], size = IMPORT_CHUNK): T[][] {
  if (!(size >= 1)) throw new RangeError('chunk size must be at least 1');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The outcome of one imported entry. */
export interface ImportResult {
  /** 0-based position in the file. */
  index: number;
  spiffeId: string;
  ok: boolean;
  /** The created entry's ID, or the API's message when it failed. */
  detail: string;
}

/** Progress after each chunk. */
export interface ImportProgress { done: number; total: number; results: ImportResult[] }

function resultOf(index: number, e: Partial<Entry>, status: Status | undefined, entry: Entry | undefined): ImportResult {
  const ok = (status?.code ?? 0) === 0;
  return { index, spiffeId: idString(e.spiffe_id), ok, detail: ok ? (entry?.id ?? '') : (status?.message ?? 'no result') };
}

/**
 * Creates `entries` chunk by chunk through `create` (BatchCreateEntry), calling `onProgress` after
 * each. A failed call marks its whole chunk with the call's message and goes on with the next one;
 * `signal` stops before the next chunk. Never throws for API errors.
 */
export async function runImport(
  entries: readonly Partial<Entry>[],
  create: (batch: Partial<Entry>[]) => Promise<BatchEntryResponse>,
  onProgress: (p: ImportProgress) => void,
  signal?: AbortSignal,
): Promise<ImportProgress> {
  const results: ImportResult[] = [];
  let done = 0;
  for (const batch of chunk(entries)) {
    if (signal?.aborted) break;
    const base = done;
    try {
      const res = await create(batch);
      batch.forEach((e, i) => results.push(resultOf(base + i, e, res.results[i]?.status, res.results[i]?.entry)));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      batch.forEach((e, i) => results.push({ index: base + i, spiffeId: idString(e.spiffe_id), ok: false, detail: message }));
    }
    done += batch.length;
    onProgress({ done, total: entries.length, results: [...results] });
  }
  return { done, total: entries.length, results };
}
