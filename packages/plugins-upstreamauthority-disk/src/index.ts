import { ConfigReader, defineUpstreamAuthority, signCaCsr, untaintedRoots, type MintX509CAResponse, type UpstreamAuthority, type UpstreamCredentials } from '@spire-ts/core/plugin';
import { DiskUpstreamErrors } from './errors.js';
import { loadUpstreamCredentials, type DiskUpstreamPaths } from './upstream-ca.js';

/** Options of UpstreamAuthority "disk". */
export type DiskUpstreamAuthorityConfig = DiskUpstreamPaths;

/**
 * UpstreamAuthority "disk": signs the server CA with a CA certificate and key read from disk, so
 * the server CA becomes an intermediate. Credentials are reloaded on every request; when a reload
 * fails the last good ones are used.
 */
export class DiskUpstreamAuthority implements UpstreamAuthority {
  constructor(
    private readonly paths: DiskUpstreamPaths,
    private readonly trustDomainId: string,
    private cached: UpstreamCredentials,
    private readonly now: () => number = Date.now,
  ) {}

  private async reload(): Promise<UpstreamCredentials> {
    try {
      this.cached = await loadUpstreamCredentials(this.paths);
    } catch {
      // As SPIRE: keep serving with the credentials loaded last.
    }
    return this.cached;
  }

  async *mintX509CAAndSubscribe(req: { csr: Uint8Array; preferredTtlSeconds: number }): AsyncIterable<MintX509CAResponse> {
    const cred = await this.reload();
    let cert: Uint8Array;
    try {
      cert = await signCaCsr(cred, req.csr, this.trustDomainId, req.preferredTtlSeconds, this.now());
    } catch (err) {
      throw DiskUpstreamErrors.signCsr((err as Error).message);
    }
    yield { x509CaChain: [cert, ...cred.chain], upstreamX509Roots: untaintedRoots(cred.roots) };
  }

  // eslint-disable-next-line require-yield
  async *publishJWTKeyAndSubscribe(): AsyncIterable<never> {
    throw DiskUpstreamErrors.publishUnsupported();
  }
}

/** The descriptor of UpstreamAuthority "disk". */
export const diskUpstreamAuthority = defineUpstreamAuthority<DiskUpstreamAuthorityConfig>({
  name: 'disk',
  parseConfig: (raw) => {
    const r = new ConfigReader(raw);
    const certFilePath = r.string('cert_file_path');
    const keyFilePath = r.string('key_file_path');
    const bundleFilePath = r.string('bundle_file_path');
    if (!certFilePath || !keyFilePath) r.problem("'cert_file_path' and 'key_file_path' must be set and not empty");
    // Relative paths are taken from the working directory, as SPIRE does.
    return r.result({ certFilePath: certFilePath ?? '', keyFilePath: keyFilePath ?? '', ...(bundleFilePath ? { bundleFilePath } : {}) });
  },
  create: async ({ config, trustDomain }) => {
    const cred = await loadUpstreamCredentials(config);
    return new DiskUpstreamAuthority(config, trustDomain.idString(), cred);
  },
});
