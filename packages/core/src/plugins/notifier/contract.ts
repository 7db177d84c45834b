import type { Closable, PluginDescriptor } from '../descriptor.js';
import { zeroOrMore, type CountRule } from '../count-rule.js';
import type { PluginBundle } from '../types.js';
import { createServiceRef } from '../../di/service-ref.js';

/** The Notifier contract (spire.plugin.server.notifier.v1.Notifier). Deprecated in SPIRE. */
export interface Notifier extends Closable {
  /** Told after the local bundle changed; failures are logged, not fatal. */
  notifyBundleUpdated(bundle: PluginBundle): Promise<void>;
  /** Told when the bundle is first loaded; an error here stops the server starting. */
  notifyAndAdviseBundleLoaded(bundle: PluginBundle): Promise<void>;
}

/** DI token of the Notifiers (a list). */
export const NOTIFIERS = createServiceRef<Notifier[]>('spire.Notifiers');

/** Any number of Notifiers, as SPIRE. */
export const notifierCount: CountRule = zeroOrMore;

/** Declares a Notifier plugin. */
export function defineNotifier<C>(
  d: Omit<PluginDescriptor<'Notifier', Notifier, C>, 'type'>,
): PluginDescriptor<'Notifier', Notifier, C> {
  return { ...d, type: 'Notifier' };
}
