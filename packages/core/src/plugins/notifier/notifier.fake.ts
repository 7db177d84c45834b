import type { PluginBundle } from '../types.js';
import type { Notifier } from './contract.js';

/** A Notifier that remembers what it was told; for tests of the server and of the suite. */
export class FakeNotifier implements Notifier {
  readonly events: { kind: 'loaded' | 'updated'; bundle: PluginBundle }[] = [];
  closed = 0;

  async notifyBundleUpdated(bundle: PluginBundle): Promise<void> {
    this.events.push({ kind: 'updated', bundle: structuredClone(bundle) });
  }

  async notifyAndAdviseBundleLoaded(bundle: PluginBundle): Promise<void> {
    this.events.push({ kind: 'loaded', bundle: structuredClone(bundle) });
  }

  /** The last bundle received, of either kind. */
  last(): PluginBundle | undefined {
    return this.events.at(-1)?.bundle;
  }

  close(): void {
    this.closed++;
  }
}
