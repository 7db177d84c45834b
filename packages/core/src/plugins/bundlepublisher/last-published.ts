import { isDeepStrictEqual } from 'node:util';
import type { PluginBundle } from '../types.js';

/**
 * The bundle a publisher last published successfully, so that an unchanged bundle is not sent
 * again (SPIRE's publishers skip it too). Remember a bundle only after its publish succeeded: a
 * failed one is then retried at the server's next call.
 */
export class LastPublished {
  private last: PluginBundle | undefined;

  /** True when `bundle` equals the last one remembered. */
  same(bundle: PluginBundle): boolean {
    return this.last !== undefined && isDeepStrictEqual(this.last, bundle);
  }

  /** Remembers a copy of `bundle` as published. */
  remember(bundle: PluginBundle): void {
    this.last = structuredClone(bundle);
  }
}
