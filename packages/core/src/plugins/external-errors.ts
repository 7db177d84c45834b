import { Code, spireError } from '../errors.js';

/**
 * Coded errors of the external-plugin loader and its adapters, with their messages, in one place.
 * Each function returns a new SpireError; none throws. Messages do not carry the plugin prefix:
 * the catalog adds `<type>(<name>): ` once.
 */
export const ExternalErrors = {
  checksumNotHex: () => spireError(Code.INVALID_ARGUMENT, 'checksum is not a valid hex string'),
  checksumLength: (got: number) =>
    spireError(Code.INVALID_ARGUMENT, `expected checksum of length 64; got ${got}`),
  checksumMismatch: (path: string, expected: string, actual: string) =>
    spireError(
      Code.FAILED_PRECONDITION,
      `failed to launch plugin: checksums did not match: plugin_checksum is ${expected} but the sha256 of ${path} is ${actual}`,
    ),
  cannotRead: (path: string, cause: unknown) =>
    spireError(Code.FAILED_PRECONDITION, `failed to launch plugin: cannot read ${path}: ${String((cause as Error)?.message ?? cause)}`, cause),
  spawnFailed: (path: string, cause: unknown) =>
    spireError(Code.INTERNAL, `failed to launch plugin: cannot start ${path}: ${String((cause as Error)?.message ?? cause)}`, cause),
  handshakeTimeout: (ms: number) =>
    spireError(
      Code.DEADLINE_EXCEEDED,
      `failed to launch plugin: timeout while waiting for plugin to start (no handshake line on stdout after ${ms}ms)`,
    ),
  exitedBeforeHandshake: (how: string) =>
    spireError(Code.UNAVAILABLE, `failed to launch plugin: plugin exited before we could connect (${how})`),
  badHandshake: (line: string, detail: string) =>
    spireError(Code.FAILED_PRECONDITION, `failed to launch plugin: ${detail}; handshake line was ${JSON.stringify(line)}`),
  noAnswer: (step: string, ms: number, detail?: string) =>
    spireError(
      Code.DEADLINE_EXCEEDED,
      `failed to launch plugin: no answer to ${step} within ${ms}ms after the handshake${detail ? ` (${detail})` : ''}`,
    ),
  notRunning: (how: string) => spireError(Code.UNAVAILABLE, `plugin process is not running (${how})`),
  unavailable: (detail: string) => spireError(Code.UNAVAILABLE, `plugin is unavailable: ${detail}`),
  noPluginInterface: (names: readonly string[]) =>
    spireError(Code.FAILED_PRECONDITION, `no supported plugin interface found in: ${JSON.stringify(names)}`),
  noConfigInterface: () => spireError(Code.FAILED_PRECONDITION, 'no supported configuration interface found'),
  badResponse: (method: string, detail: string) =>
    spireError(Code.INTERNAL, `plugin returned an invalid ${method} response: ${detail}`),
  hostServiceNotInitialized: (service: string) =>
    spireError(Code.FAILED_PRECONDITION, `${service} host service has not been initialized`),
  noSuchAgent: () => spireError(Code.NOT_FOUND, 'no such agent'),
  /** A KeyManager's empty GetPublicKey answer: how SPIRE's own key managers say "no such key". */
  keyNotFound: (keyId: string) => spireError(Code.NOT_FOUND, `key "${keyId}" not found`),
} as const;
