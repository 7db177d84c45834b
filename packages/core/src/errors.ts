/**
 * `Code`, `SpireError` and the coded errors shared across the kernel, with their messages. A
 * subsystem with errors of its own keeps them in one `errors.ts` in its folder (ca/, ca/keys/,
 * catalog/external/, authpolicy/, spiffeid/).
 *
 * Errors carry a gRPC status code from the moment they are made, so the API layer never has to
 * guess one. Plugins define their own coded errors in their own `errors.ts` with the same class.
 */

/** gRPC status codes, by number, as the wire carries them. */
export enum Code {
  OK = 0,
  CANCELLED = 1,
  UNKNOWN = 2,
  INVALID_ARGUMENT = 3,
  DEADLINE_EXCEEDED = 4,
  NOT_FOUND = 5,
  ALREADY_EXISTS = 6,
  PERMISSION_DENIED = 7,
  RESOURCE_EXHAUSTED = 8,
  FAILED_PRECONDITION = 9,
  ABORTED = 10,
  OUT_OF_RANGE = 11,
  UNIMPLEMENTED = 12,
  INTERNAL = 13,
  UNAVAILABLE = 14,
  DATA_LOSS = 15,
  UNAUTHENTICATED = 16,
}

const CODE_NAMES = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
] as const;

/**
 * A gRPC status code as grpc-go's `codes.Code.String()` prints it (`NotFound`, `Canceled`,
 * `Code(42)`): the name SPIRE's CLI prints in `rpc error: code = ...` and its audit log writes
 * as `status_code`.
 */
export function codeName(code: number): string {
  return CODE_NAMES[code] ?? `Code(${code})`;
}

/**
 * An error with a gRPC status code. `cause` keeps the underlying error for logs; the message is
 * what a caller sees.
 */
export class SpireError extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpireError';
    this.code = code;
  }

  /** A copy of this error whose message starts with `prefix`; the code and cause are kept. */
  withPrefix(prefix: string): SpireError {
    const e = new SpireError(this.code, `${prefix}${this.message}`, { cause: this.cause ?? this });
    return e;
  }
}

/** Makes a SpireError. Shorthand used by the catalogue below and by plugins. */
export function spireError(code: Code, message: string, cause?: unknown): SpireError {
  return new SpireError(code, message, cause === undefined ? undefined : { cause });
}

/** The code of any thrown value: a SpireError's own, or UNKNOWN. */
export function errorCode(err: unknown): Code {
  if (err instanceof SpireError) return err.code;
  if (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number') {
    const c = (err as { code: number }).code;
    if (c >= 0 && c <= 16) return c as Code;
  }
  return Code.UNKNOWN;
}

/** The message of any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The kernel's coded errors. Each function returns a new error; none throws. */
export const KernelErrors = {
  unknownPluginType: (type: string, known: readonly string[]) =>
    spireError(
      Code.INVALID_ARGUMENT,
      `unknown plugin type "${type}"; known types are: ${known.join(', ')}`,
    ),
  unknownBuiltin: (type: string, name: string, known: readonly string[]) =>
    spireError(
      Code.INVALID_ARGUMENT,
      `no built-in plugin "${name}" for type "${type}"; known ${type} plugins are: ${known.join(', ') || '(none)'}`,
    ),
  notBuiltYet: (type: string, name: string) =>
    spireError(
      Code.UNIMPLEMENTED,
      `plugin ${type} "${name}" is not built yet in this server; remove it from the config or use an external plugin_cmd`,
    ),
  constraint: (type: string, detail: string) =>
    spireError(Code.INVALID_ARGUMENT, `plugin type "${type}" constraint not satisfied: ${detail}`),
  pluginDeclaredTwice: (type: string, name: string) =>
    spireError(Code.INVALID_ARGUMENT, `plugin ${type} "${name}" declared more than once`),
  badPluginConfig: (type: string, name: string, problems: readonly string[]) =>
    spireError(
      Code.INVALID_ARGUMENT,
      `plugin ${type} "${name}" has an invalid configuration: ${problems.join('; ')}`,
    ),
  pluginLoad: (type: string, name: string, cause: unknown) =>
    spireError(
      Code.INTERNAL,
      `failed to load plugin ${type} "${name}": ${errorMessage(cause)}`,
      cause,
    ),
  externalNotSupported: (type: string, name: string) =>
    spireError(
      Code.UNIMPLEMENTED,
      `plugin ${type} "${name}": external plugins (plugin_cmd) are not supported by this server yet`,
    ),
  badPluginChecksum: (type: string, name: string, detail: string) =>
    spireError(Code.INVALID_ARGUMENT, `plugin ${type} "${name}": plugin_checksum: ${detail}`),
  dataStoreMustBeBuiltin: () =>
    spireError(Code.INVALID_ARGUMENT, 'pluggability for the DataStore is not supported; only the built-in "sql" plugin can be used'),
  /** socket_path is held by a server that accepts connections on it (never unlinked then). */
  socketInUse: (path: string) =>
    spireError(Code.FAILED_PRECONDITION, `socket_path "${path}" is in use by a running server; stop that server or set another socket_path`),
  socketNotASocket: (path: string) => spireError(Code.FAILED_PRECONDITION, `socket_path "${path}" exists and is not a socket`),
  socketProbeFailed: (path: string, cause: unknown) =>
    spireError(Code.UNAVAILABLE, `cannot tell whether socket_path "${path}" is in use: ${errorMessage(cause)}`, cause),
  /** `address` is host:port as it would be dialled; `reason` is the system's words for the failure. */
  cannotListen: (address: string, reason: string, cause?: unknown) =>
    spireError(Code.UNAVAILABLE, `cannot listen on bind_address ${address}: ${reason}`, cause),
  /** The telemetry.Prometheus listener could not bind `address` (host:port). */
  cannotListenForMetrics: (address: string, cause: unknown) =>
    spireError(Code.UNAVAILABLE, `cannot listen for Prometheus metrics (telemetry.Prometheus) on ${address}: ${errorMessage(cause)}`, cause),
  /** SPIRE's refusal of `NodeAttestor "join_token"` with a plugin_cmd (the server attests join tokens itself). */
  joinTokenMustBeBuiltin: () =>
    spireError(Code.INVALID_ARGUMENT, 'the built-in join_token node attestor cannot be overridden by an external plugin'),
} as const;
