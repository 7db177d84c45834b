import type { ClientDuplexStream, Metadata } from '@grpc/grpc-js';

/**
 * What a host-side adapter (`plugins/<type>/host-adapter.ts`) needs of a started external plugin:
 * calls to the plugin's type service and close. The catalog's `ExternalPlugin` implements it; the
 * adapters see nothing else of the loader, so they sit with their plugin type.
 */
export interface PluginConnection {
  /** Calls a unary method of the plugin's type service. Throws a SpireError. */
  unary<T>(method: string, req: object): Promise<T>;
  /**
   * Calls a server-streaming method of the plugin's type service. Iteration ends when the plugin
   * ends the stream or `signal` aborts; errors are SpireErrors.
   */
  serverStream<T>(method: string, req: object, signal?: AbortSignal): AsyncGenerator<T>;
  /**
   * Opens a bidirectional stream of the plugin's type service, with `metadata` as its request
   * headers, and hands it to `fn`; errors raised while reading or writing become SpireErrors.
   */
  bidi<T>(method: string, fn: (call: ClientDuplexStream<object, object>) => Promise<T>, metadata?: Metadata): Promise<T>;
  /** Stops the plugin. Safe to call twice. */
  close(): Promise<void>;
}
