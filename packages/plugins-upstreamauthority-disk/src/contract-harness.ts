import { rmSync } from 'node:fs';
import type { UpstreamAuthority } from '@spire-ts/core/plugin';
import { startDescriptorForTest, type ServedAs } from '@spire-ts/plugin-sdk/testing';
import { makeTestPki } from './test-pki.js';

/** Which upstream CA the contract runs against. */
export type UpstreamVariant = 'self-signed' | 'intermediate-rsa';

/**
 * The UpstreamAuthority contract harness of the disk plugin (test support, not shipped
 * behaviour): a test PKI made by openssl (a self-signed EC root, or an RSA intermediate with its
 * root as bundle_file_path), the plugin made in process or served externally through plugin_cmd.
 * `close` stops the plugin and removes the PKI.
 */
export function diskUpstreamContractSetup(
  servedAs: ServedAs,
  variant: UpstreamVariant,
): () => Promise<{ ua: UpstreamAuthority; trustDomain: string; close(): Promise<void> }> {
  return async () => {
    const p = makeTestPki(variant === 'self-signed' ? 'ec' : 'rsa');
    const data =
      variant === 'self-signed'
        ? { cert_file_path: p.rootCrt, key_file_path: p.rootKey }
        : { cert_file_path: p.intCrt, key_file_path: p.intKey, bundle_file_path: p.rootCrt };
    try {
      const started = await startDescriptorForTest<UpstreamAuthority>(servedAs, import.meta.resolve('./index.js'), 'diskUpstreamAuthority', { data });
      return {
        ua: started.plugin,
        trustDomain: 'example.org',
        close: async () => {
          await started.close();
          rmSync(p.dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      rmSync(p.dir, { recursive: true, force: true });
      throw err;
    }
  };
}
