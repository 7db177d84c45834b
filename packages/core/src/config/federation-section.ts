import { isIP } from 'node:net';
import { join } from 'node:path';
import { SpiffeId, TrustDomain } from '../spiffeid/index.js';
import type { SectionReader } from './section-reader.js';
import type {
  AcmeConfig,
  BundleEndpointConfig,
  BundleEndpointProfileConfig,
  FederatesWithConfig,
  FederatesWithProfile,
  FederationConfig,
} from './types.js';

/** Let's Encrypt's v2 directory, SPIRE's default ACME directory. */
export const DEFAULT_ACME_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';
const DEFAULT_REFRESH_HINT_MS = 5 * 60_000;
const MIN_REFRESH_HINT_MS = 60_000;
const DAY_MS = 24 * 3_600_000;
const PROFILES = '"https_spiffe" and "https_web"';

function readAcme(r: SectionReader, dataDir: string, requireEmail: boolean): AcmeConfig | undefined {
  const acme: AcmeConfig = {
    directoryUrl: r.string('directory_url') || DEFAULT_ACME_DIRECTORY,
    domainName: r.string('domain_name') ?? '',
    email: r.string('email') ?? '',
    tosAccepted: r.bool('tos_accepted') ?? false,
    cacheDir: join(dataDir, 'bundle-acme'),
  };
  if (acme.domainName === '') r.problem('domain_name', 'must be configured');
  if (requireEmail && acme.email === '') r.problem('email', 'must be configured');
  r.finish();
  return acme;
}

/** The one labelled profile block of `key`, e.g. `profile "https_web" { }`. */
function oneProfile(r: SectionReader, key: string): [string, SectionReader] | undefined {
  const profiles = r.labelled(key);
  if (profiles.length === 0) return undefined;
  if (profiles.length > 1) {
    r.problem(key, 'exactly one bundle endpoint profile is expected');
    return undefined;
  }
  return profiles[0];
}

function readBundleEndpoint(r: SectionReader, dataDir: string): BundleEndpointConfig {
  const address = r.string('address') || '0.0.0.0';
  // SPIRE turns an address that is not an IP into "every interface" without a word.
  if (isIP(address) === 0) r.problem('address', `must be an IP address; found ${JSON.stringify(address)}`);
  const port = r.int('port', { min: 0, max: 65535 }) ?? 0;
  let refreshHintMs = DEFAULT_REFRESH_HINT_MS;
  const rawHint = r.raw('refresh_hint');
  if (rawHint !== undefined && rawHint !== '') {
    const hint = r.duration('refresh_hint');
    if (hint !== undefined) {
      refreshHintMs = hint;
      if (hint >= DAY_MS) {
        r.warn(
          'refresh_hint',
          "Bundle endpoint refresh hint set to a high value. To cover the case of unscheduled trust bundle updates, it's recommended to have a smaller value, e.g. 5m",
        );
      }
      if (hint < MIN_REFRESH_HINT_MS) {
        r.warn('refresh_hint', 'Bundle endpoint refresh hint set too low. SPIRE will not refresh more often than 1 minute');
      }
    }
  }

  let profile: BundleEndpointProfileConfig = { type: 'https_spiffe' };
  const legacyAcme = r.block('acme');
  const hasProfile = r.has('profile');
  if (legacyAcme && hasProfile) {
    r.problem('acme', "either bundle endpoint 'acme' or 'profile' can be set, but not both");
  } else if (legacyAcme) {
    r.warn('acme', 'ACME configuration within the bundle_endpoint is deprecated. Please use ACME configuration as part of the https_web profile instead.');
    const acme = readAcme(legacyAcme, dataDir, true);
    if (acme) profile = { type: 'https_web', acme };
  } else if (!hasProfile) {
    r.warn(
      undefined,
      'Bundle endpoint is configured but has no profile set, using https_spiffe as default; please configure a profile explicitly. This will be fatal in a future release.',
    );
  }
  r.allow('profile');
  const chosen = hasProfile ? oneProfile(r, 'profile') : undefined;
  if (chosen && !legacyAcme) {
    const [name, pr] = chosen;
    if (name === 'https_spiffe') {
      pr.finish();
    } else if (name === 'https_web') {
      const acmeR = pr.block('acme');
      const fileR = pr.block('serving_cert_file');
      if (!acmeR && !fileR) {
        pr.problem(undefined, "malformed https_web profile configuration: 'acme' or 'serving_cert_file' is required");
      } else if (acmeR && fileR) {
        pr.problem(undefined, "malformed https_web profile configuration: only one of 'acme' or 'serving_cert_file' can be set");
      } else if (acmeR) {
        const acme = readAcme(acmeR, dataDir, false);
        if (acme) profile = { type: 'https_web', acme };
      } else if (fileR) {
        const certFilePath = fileR.string('cert_file_path') ?? '';
        const keyFilePath = fileR.string('key_file_path') ?? '';
        const interval = fileR.duration('file_sync_interval', { nonNegative: true });
        if (certFilePath === '') fileR.problem('cert_file_path', 'must be configured');
        if (keyFilePath === '') fileR.problem('key_file_path', 'must be configured');
        fileR.finish();
        profile = {
          type: 'https_web',
          servingCertFile: { certFilePath, keyFilePath, fileSyncIntervalMs: interval || 3_600_000 },
        };
      }
      pr.finish();
    } else {
      r.problem('profile', `unknown bundle endpoint profile ${JSON.stringify(name)}; supported profiles are ${PROFILES}`, pr.pos);
    }
  }
  r.finish();
  return { address, port, refreshHintMs, profile };
}

function readFederatesWith(label: string, r: SectionReader): FederatesWithConfig | undefined {
  let td: TrustDomain | undefined;
  try {
    td = TrustDomain.parse(label);
  } catch (err) {
    r.problem(undefined, `invalid trust domain ${JSON.stringify(label)}: ${(err as Error).message}`);
  }
  const url = r.string('bundle_endpoint_url') ?? '';
  if (url === '') r.problem('bundle_endpoint_url', 'must be configured');
  else if (!url.toLowerCase().startsWith('https://')) {
    r.problem('bundle_endpoint_url', `must use the HTTPS protocol; URL found: ${JSON.stringify(url)}`);
  }
  let profile: FederatesWithProfile | undefined;
  if (!r.has('bundle_endpoint_profile')) {
    r.allow('bundle_endpoint_profile');
    r.problem(undefined, `federation configuration for trust domain ${JSON.stringify(label)}: missing bundle endpoint configuration (bundle_endpoint_profile)`);
  } else {
    const chosen = oneProfile(r, 'bundle_endpoint_profile');
    if (chosen) {
      const [name, pr] = chosen;
      if (name === 'https_web') {
        profile = { type: 'https_web' };
      } else if (name === 'https_spiffe') {
        const id = pr.string('endpoint_spiffe_id') ?? '';
        if (id === '') pr.problem('endpoint_spiffe_id', 'must be configured for the https_spiffe profile');
        else {
          try {
            SpiffeId.parse(id);
            profile = { type: 'https_spiffe', endpointSpiffeId: id };
          } catch (err) {
            pr.problem('endpoint_spiffe_id', `could not get endpoint SPIFFE ID: ${(err as Error).message}`);
          }
        }
      } else {
        r.problem('bundle_endpoint_profile', `unknown bundle endpoint profile ${JSON.stringify(name)}; supported profiles are ${PROFILES}`, pr.pos);
      }
      pr.finish();
    }
  }
  r.finish();
  if (!td || !profile || url === '') return undefined;
  return { trustDomain: td, bundleEndpointUrl: url, profile };
}

/** Reads `server.federation`. Problems go to the reader's context. */
export function readFederation(r: SectionReader | undefined, dataDir: string): FederationConfig {
  const out: FederationConfig = { federatesWith: [] };
  if (!r) return out;
  const be = r.block('bundle_endpoint');
  if (be) out.bundleEndpoint = readBundleEndpoint(be, dataDir);
  for (const [label, fr] of r.labelled('federates_with')) {
    const fw = readFederatesWith(label, fr);
    if (fw) out.federatesWith.push(fw);
  }
  r.finish();
  return out;
}
