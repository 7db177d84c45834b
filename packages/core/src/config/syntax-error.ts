/**
 * A config file that cannot be read as HCL or JSON. The message names the file, line and column
 * and says what was expected, e.g. `server.conf:4:12: expected '=' or '{' after key, got string`.
 */
export class ConfigSyntaxError extends Error {
  constructor(
    /** The problem alone, without the position. */
    readonly detail: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
    this.name = 'ConfigSyntaxError';
  }
}
