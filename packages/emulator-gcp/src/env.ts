/** What every emulated Google service shares. */
export interface GcpEnv {
  /** `http://127.0.0.1:<port>`, once started. */
  readonly url: string;
  /** The emulator's clock; tests may move it. */
  now(): Date;
  /** The access tokens the metadata server handed out. */
  readonly tokens: Set<string>;
  /** Throws UNAUTHENTICATED (401) unless the Authorization header is a bearer this emulator issued. */
  checkBearer(authorization: string | undefined): void;
}
