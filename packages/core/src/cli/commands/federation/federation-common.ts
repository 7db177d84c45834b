import { readFile } from 'node:fs/promises';
import type { FederationRelationship__Output } from '../../../proto/gen/api/spire/api/types/FederationRelationship.js';
import { resolve } from 'node:path';
import { SpiffeId } from '../../../spiffeid/index.js';
import { readInput, type ApiCommandContext } from '../../api-command.js';
import type { FlagSpec } from '../../flags.js';
import { goField } from '../../../plugins/nodeattestor/go-json.js';
import { goJsonKind, parseGoJson } from '../../../api/convert/go-json.js';
import { goQuote } from '../../go-format.js';
import type { ProtoBundle } from '../../../api/convert/bundle.js';
import { bundleFromText } from '../../../api/convert/spiffe-bundle.js';

/** A federation relationship as the API carries it (generated). */
export type ProtoRelationship = FederationRelationship__Output;

interface RelationshipConfig {
  trustDomain: string;
  bundleEndpointURL: string;
  bundleEndpointProfile: string;
  endpointSPIFFEID: string;
  trustDomainBundle?: unknown;
  trustDomainBundleFormat: string;
  trustDomainBundlePath: string;
}

/** Flags describing one relationship (create and update), as SPIRE. */
export const RELATIONSHIP_FLAGS: readonly FlagSpec[] = [
  { name: 'data', kind: 'string', usage: "Path to a file containing federation relationships in JSON format (optional). If set to '-', read the JSON from stdin.", default: '' },
  { name: 'trustDomain', kind: 'string', usage: 'Name of the trust domain to federate with (e.g., example.org)', default: '' },
  { name: 'bundleEndpointURL', kind: 'string', usage: 'URL of the SPIFFE bundle endpoint that provides the trust bundle (must use the HTTPS protocol)', default: '' },
  { name: 'bundleEndpointProfile', kind: 'string', usage: 'Endpoint profile type (either "https_web" or "https_spiffe")', default: '' },
  { name: 'endpointSpiffeID', kind: 'string', usage: "SPIFFE ID of the SPIFFE bundle endpoint server. Only used for 'spiffe' profile.", default: '' },
  { name: 'trustDomainBundlePath', kind: 'string', usage: 'Path to the trust domain bundle data (optional).', default: '' },
  { name: 'trustDomainBundleFormat', kind: 'string', usage: 'The format of the bundle data (optional). Either "pem" or "spiffe".', default: 'pem' },
];

/** As SPIRE's CLI: "pem" is PEM, any other format is read as a SPIFFE bundle document. */
function parseBundle(data: string, format: string, td: string): ProtoBundle {
  return bundleFromText(td, format === 'pem' ? 'pem' : 'spiffe', data);
}

async function toProto(c: RelationshipConfig, cwd: string): Promise<ProtoRelationship> {
  if (c.trustDomain === '') throw new Error('trust domain is required');
  if (c.bundleEndpointURL === '') throw new Error('bundle endpoint URL is required');
  const r: ProtoRelationship = { trust_domain: c.trustDomain, bundle_endpoint_url: c.bundleEndpointURL, trust_domain_bundle: null };
  let bundleTd = c.trustDomain;
  if (c.bundleEndpointProfile === 'https_web') {
    r.https_web = {};
  } else if (c.bundleEndpointProfile === 'https_spiffe') {
    if (c.endpointSPIFFEID === '') throw new Error("endpoint SPIFFE ID is required if 'https_spiffe' endpoint profile is set");
    try {
      bundleTd = SpiffeId.parse(c.endpointSPIFFEID).trustDomain.name;
    } catch (err) {
      throw new Error(`cannot parse bundle endpoint SPIFFE ID: ${(err as Error).message}`);
    }
    r.https_spiffe = { endpoint_spiffe_id: c.endpointSPIFFEID };
  } else {
    throw new Error(`unknown bundle endpoint profile type: ${goQuote(c.bundleEndpointProfile)}`);
  }
  if (c.trustDomainBundlePath !== '') {
    let data: Buffer;
    try {
      data = await readFile(resolve(cwd, c.trustDomainBundlePath));
    } catch (err) {
      throw new Error(`cannot read bundle file: open ${c.trustDomainBundlePath}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
    try {
      r.trust_domain_bundle = parseBundle(data.toString('utf8'), c.trustDomainBundleFormat, bundleTd);
    } catch (err) {
      throw new Error(`cannot parse bundle file: ${(err as Error).message}`);
    }
  } else if (c.trustDomainBundle !== undefined && c.trustDomainBundle !== null) {
    try {
      let data: string;
      if (c.trustDomainBundleFormat === 'pem') {
        if (typeof c.trustDomainBundle !== 'string') throw new Error(`failed to unmarshal json: json: cannot unmarshal ${goJsonKind(c.trustDomainBundle)} into Go value of type string`);
        data = c.trustDomainBundle;
      } else if (c.trustDomainBundleFormat === 'spiffe') {
        data = JSON.stringify(c.trustDomainBundle);
      } else {
        throw new Error(`bundle format ${goQuote(c.trustDomainBundleFormat)} is unsupported`);
      }
      r.trust_domain_bundle = parseBundle(data, c.trustDomainBundleFormat, bundleTd);
    } catch (err) {
      throw new Error(`cannot parse bundle raw message: ${(err as Error).message}`);
    }
  }
  return r;
}

function str(o: Record<string, unknown>, key: string, def = ''): string {
  const v = goField(o, key);
  if (v === undefined || v === null) return def;
  if (typeof v !== 'string') throw new Error(`failed to parse JSON: json: cannot unmarshal ${goJsonKind(v)} into Go struct field federationRelationshipConfig.federationRelationships.${key} of type string`);
  return v;
}

/**
 * The relationships a create/update command describes: from `-data` (SPIRE's
 * `{"federationRelationships":[...]}` form; no other relationship flag may be given) or from the
 * flags. Throws SPIRE's messages.
 */
export async function relationshipsFromCommand(ctx: ApiCommandContext): Promise<ProtoRelationship[]> {
  const path = ctx.str('data');
  const flagsConfig: RelationshipConfig = {
    trustDomain: ctx.str('trustDomain'),
    bundleEndpointURL: ctx.str('bundleEndpointURL'),
    bundleEndpointProfile: ctx.str('bundleEndpointProfile'),
    endpointSPIFFEID: ctx.str('endpointSpiffeID'),
    trustDomainBundleFormat: ctx.str('trustDomainBundleFormat'),
    trustDomainBundlePath: ctx.str('trustDomainBundlePath'),
  };
  if (path === '') return [await toProto(flagsConfig, ctx.io.cwd)];
  const c = flagsConfig;
  if (!(c.bundleEndpointProfile === '' && c.bundleEndpointURL === '' && c.trustDomainBundleFormat === 'pem' && c.trustDomainBundlePath === '' && c.endpointSPIFFEID === '' && c.trustDomain === '')) {
    throw new Error("cannot use other flags to specify relationship fields when 'data' flag is set");
  }
  const text = (await readInput(path, ctx.io)).toString('utf8');
  let doc: unknown;
  try {
    doc = parseGoJson(text);
  } catch (err) {
    throw new Error(`failed to parse JSON: ${(err as Error).message}`);
  }
  if (doc !== null && (typeof doc !== 'object' || Array.isArray(doc))) throw new Error(`failed to parse JSON: json: cannot unmarshal ${goJsonKind(doc)} into Go value of type federation.federationRelationships`);
  const list = doc === null ? [] : goField(doc as Record<string, unknown>, 'federationRelationships');
  if (list !== undefined && list !== null && !Array.isArray(list)) throw new Error(`failed to parse JSON: json: cannot unmarshal ${goJsonKind(list)} into Go struct field federationRelationships.federationRelationships of type []*federation.federationRelationshipConfig`);
  const out: ProtoRelationship[] = [];
  for (const [i, item] of ((list as unknown[] | undefined) ?? []).entries()) {
    const o = (item ?? {}) as Record<string, unknown>;
    const config: RelationshipConfig = {
      trustDomain: str(o, 'trustDomain'),
      bundleEndpointURL: str(o, 'bundleEndpointURL'),
      bundleEndpointProfile: str(o, 'bundleEndpointProfile'),
      endpointSPIFFEID: str(o, 'endpointSPIFFEID'),
      trustDomainBundle: goField(o, 'trustDomainBundle'),
      trustDomainBundleFormat: str(o, 'trustDomainBundleFormat'),
      trustDomainBundlePath: '',
    };
    try {
      out.push(await toProto(config, ctx.io.cwd));
    } catch (err) {
      throw new Error(`could not parse item ${i}: ${(err as Error).message}`);
    }
  }
  return out;
}

/** One relationship as SPIRE prints it (labels padded to 26 columns). */
export function formatRelationship(r: ProtoRelationship): string {
  let s = `Trust domain              : ${r.trust_domain}\nBundle endpoint URL       : ${r.bundle_endpoint_url}\n`;
  const profile = r.bundle_endpoint_profile ?? (r.https_spiffe ? 'https_spiffe' : r.https_web ? 'https_web' : '');
  if (profile === 'https_web') s += 'Bundle endpoint profile   : https_web\n';
  if (profile === 'https_spiffe') s += `Bundle endpoint profile   : https_spiffe\nEndpoint SPIFFE ID        : ${r.https_spiffe?.endpoint_spiffe_id ?? ''}\n`;
  return s;
}
