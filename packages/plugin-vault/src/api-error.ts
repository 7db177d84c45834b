/**
 * A Vault call that failed, worded as the Go Vault client words it (SPIRE's messages embed that
 * text): the API's answer with its status and error list, or the transport error.
 */
export class VaultApiError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    /** The HTTP status; 0 when no answer came (connection, TLS, timeout). */
    readonly status: number,
    readonly errors: string[],
    /** When no answer came: what the transport said. */
    readonly transport?: string,
  ) {
    super(
      status === 0
        ? `${method[0]}${method.slice(1).toLowerCase()} "${url}": ${transport ?? 'request failed'}`
        : `Error making API request.\n\nURL: ${method} ${url}\nCode: ${status}. Errors:\n\n${errors.map((e) => `* ${e}`).join('\n')}`,
    );
    this.name = 'VaultApiError';
  }
}
