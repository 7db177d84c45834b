/**
 * Reads a failed Google API call made through google-gax in REST fallback mode or through
 * `@google-cloud/storage`: both reject with the HTTP status and Google's JSON error
 * (`{"error":{"code","message","status","errors":[{"reason"}]}}`), either parsed
 * (`errors`, `response.data`) or as the error's message text.
 */
import { Code } from '@spire-ts/core/plugin';

/** What a Google API said about a failed call. */
export interface GoogleApiError {
  /** The HTTP status, when there was an answer. */
  httpStatus?: number;
  /** The canonical status name (`ALREADY_EXISTS`, `UNAVAILABLE`, …), when known. */
  status?: string;
  /** Google's message, else the error's own. */
  message: string;
  /** The `errors[].reason` values (Cloud Storage: `conditionNotMet`, `notFound`, …). */
  reasons: string[];
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET']);

/** Canonical status names of the HTTP statuses Google maps them from. */
const BY_HTTP: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

interface JsonError {
  code?: number;
  message?: string;
  status?: string;
  errors?: { reason?: string }[];
}

function jsonErrorOf(e: Record<string, unknown>): JsonError | undefined {
  const data = (e.response as { data?: unknown } | undefined)?.data;
  if (data && typeof data === 'object' && 'error' in data) return (data as { error: JsonError }).error;
  if (typeof e.message === 'string' && e.message.startsWith('{')) {
    try {
      return (JSON.parse(e.message) as { error?: JsonError }).error;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The Google API error in `err` (or a transport failure: UNAVAILABLE / DEADLINE_EXCEEDED). */
export function googleApiError(err: unknown): GoogleApiError {
  if (!(err instanceof Error)) return { message: String(err), reasons: [] };
  const e = err as unknown as Record<string, unknown>;
  const json = jsonErrorOf(e);
  const httpStatus = typeof e.status === 'number' ? e.status : typeof e.code === 'number' && e.code >= 100 ? e.code : (json?.code ?? (e.response as { status?: number } | undefined)?.status);
  const reasons = [...((e.errors as { reason?: string }[] | undefined) ?? json?.errors ?? [])].map((r) => r.reason ?? '').filter(Boolean);
  let status = json?.status ?? (httpStatus !== undefined ? BY_HTTP[httpStatus] : undefined);
  const causeCode = (e.cause as { code?: unknown } | undefined)?.code ?? e.code;
  if (!status && (err.name === 'TimeoutError' || err.name === 'AbortError')) status = 'DEADLINE_EXCEEDED';
  if (!status && typeof causeCode === 'string' && NETWORK_CODES.has(causeCode)) status = 'UNAVAILABLE';
  return { httpStatus, status, message: json?.message ?? err.message, reasons };
}

/** The SPIRE code for a Google API error: its canonical status, else `fallback`. */
export function googleApiCode(err: GoogleApiError, fallback: Code): Code {
  const c = err.status ? (Code as unknown as Record<string, Code | undefined>)[err.status] : undefined;
  return c ?? fallback;
}
