/** What every emulated Azure service shares. */
export interface AzureEnv {
  /** `https://127.0.0.1:<port>`, once started. */
  readonly url: string;
  /** The emulator's clock; tests may move it. */
  now(): Date;
  /** Throws 401 unless the Authorization header is a bearer the token endpoint issued. */
  checkBearer(authorization: string | undefined): void;
}
