import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { defineUpstreamAuthority, parseCertificatesPem, type PluginDescriptor, type UpstreamAuthority } from '@spire-ts/core/plugin';
import { parseEjbcaConfig, type EjbcaConfig } from './config.js';
import { EJBCA_TIMEOUT_MS, httpsEjbcaClient, type EjbcaTls } from './ejbca-client.js';
import { EjbcaUpstreamAuthority } from './ejbca-upstream-authority.js';
import { EjbcaErrors as E } from './errors.js';

export { EJBCA_ENV, parseEjbcaConfig, type EjbcaConfig } from './config.js';
export { EJBCA_TIMEOUT_MS, PKCS10_ENROLL_PATH, httpsEjbcaClient, type EjbcaAnswer, type EjbcaClient, type EjbcaTls, type EnrollRequestBody } from './ejbca-client.js';
export { EjbcaUpstreamAuthority } from './ejbca-upstream-authority.js';
export { EjbcaErrors } from './errors.js';
export { csrNames, endEntityName, type CsrNames } from './end-entity-name.js';

/** Internal settings of {@link makeEjbcaUpstreamAuthority}; no config key sets them. */
export interface EjbcaInternalOptions {
  /** Bound on each enrollment call (default {@link EJBCA_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** The environment the `EJBCA_*` fallbacks are read from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Loads the TLS material as SPIRE's does: the server roots from `ca_cert_path` (when set; the
 * system's otherwise), the client certificate and key, which must form a pair. Throws
 * INVALID_ARGUMENT naming the file that failed.
 */
export async function loadEjbcaTls(c: EjbcaConfig): Promise<EjbcaTls> {
  let caPem: string | undefined;
  if (c.caCertPath !== '') {
    let text;
    try {
      text = await readFile(c.caCertPath, 'utf8');
    } catch (e) {
      throw E.readCaChain(e);
    }
    try {
      parseCertificatesPem(text);
    } catch (e) {
      throw E.parseCaChain(e);
    }
    caPem = text;
  }
  let certPem;
  try {
    certPem = await readFile(c.clientCertPath, 'utf8');
  } catch (e) {
    throw E.readClientCert(e);
  }
  let keyPem;
  try {
    keyPem = await readFile(c.clientCertKeyPath, 'utf8');
  } catch (e) {
    throw E.readClientKey(e);
  }
  try {
    createSecureContext({ cert: certPem, key: keyPem });
  } catch (e) {
    throw E.loadClientCert(e);
  }
  return { certPem, keyPem, ...(caPem !== undefined ? { caPem } : {}) };
}

/** The ejbca descriptor with internal settings. */
export function makeEjbcaUpstreamAuthority(opts: EjbcaInternalOptions = {}): PluginDescriptor<'UpstreamAuthority', UpstreamAuthority, EjbcaConfig> {
  return defineUpstreamAuthority<EjbcaConfig>({
    name: 'ejbca',
    parseConfig: (raw) => parseEjbcaConfig(raw, opts.env ?? process.env),
    create: async ({ config, trustDomain, log }) => {
      const tls = await loadEjbcaTls(config);
      const client = httpsEjbcaClient(config.baseUrl, tls, opts.timeoutMs ?? EJBCA_TIMEOUT_MS);
      log.info({ hostname: config.baseUrl }, 'Created EJBCA REST API client for EJBCA UpstreamAuthority plugin');
      return new EjbcaUpstreamAuthority(config, client, trustDomain.idString(), log);
    },
  });
}

/**
 * The built-in UpstreamAuthority "ejbca": the server CA is enrolled with an EJBCA CA over its
 * REST API (`pkcs10enroll`), authenticated by a client certificate.
 */
export const ejbcaUpstreamAuthority = makeEjbcaUpstreamAuthority();
