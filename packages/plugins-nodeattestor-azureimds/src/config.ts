import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { ConfigReader, PathTemplate, type CoreConfig, type ParseResult, type PluginData } from '@spire-ts/core/plugin';
import { tenantBlocks } from '@spire-ts/plugin-azure';
import { DEFAULT_METADATA_DOMAIN } from './doc-validation.js';

/** How the server authenticates to Azure for one tenant. */
export type ImdsTenantAuth =
  | { kind: 'default' }
  | { kind: 'secret'; appId: string; appSecret: string }
  | { kind: 'token'; appId: string; tokenPath: string };

/** One entry of `tenants` (keyed by tenant domain), parsed. */
export interface ImdsTenantConfig {
  auth: ImdsTenantAuth;
  /** Tags whose values become `vm-tag` selectors. */
  allowedVmTags: string[];
  /** Empty: any subscription. */
  restrictToSubscriptions: Set<string>;
}

/** azure_imds's parsed configuration. */
export interface ImdsConfig {
  tenants: Map<string, ImdsTenantConfig>;
  pathTemplate: PathTemplate;
  allowedMetadataDomains: string[];
  /** Roots added by `trust_bundle_path`. */
  additionalRoots: X509Certificate[];
}

/** SPIRE's agent path when `agent_path_template` is not set. */
export const DEFAULT_AGENT_PATH_TEMPLATE = '/{{ .PluginName }}/{{ .TenantID }}/{{ .SubscriptionID }}/{{ .VMID }}';

/** Every certificate of a PEM file. Throws Error when there is none or one does not parse. */
export function readPemCertificates(path: string): X509Certificate[] {
  const text = readFileSync(path, 'utf8');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no certificates found');
  return blocks.map((b) => new X509Certificate(b));
}

function readAuth(r: ConfigReader, t: ConfigReader, domain: string): ImdsTenantAuth {
  const secret = t.block('secret_auth');
  const token = t.block('token_auth');
  const q = JSON.stringify(domain);
  if (secret && token) {
    r.problem(`misconfigured tenant ${q}: only one of secret_auth or token_auth may be specified in the config`);
    secret.allow('app_id', 'app_secret');
    token.allow('app_id', 'token_path');
    return { kind: 'default' };
  }
  if (token) {
    const appId = token.string('app_id') ?? '';
    const tokenPath = token.string('token_path') ?? '';
    if (tokenPath === '') r.problem(`misconfigured tenant ${q}: missing token file path`);
    if (appId === '') r.problem(`misconfigured tenant ${q}: missing app id`);
    return { kind: 'token', appId, tokenPath };
  }
  if (secret) {
    const appId = secret.string('app_id') ?? '';
    const appSecret = secret.string('app_secret') ?? '';
    if (appId === '') r.problem(`misconfigured tenant ${q}: missing app id`);
    if (appSecret === '') r.problem(`misconfigured tenant ${q}: missing app secret`);
    return { kind: 'secret', appId, appSecret };
  }
  return { kind: 'default' };
}

/**
 * Reads azure_imds's plugin_data, collecting every problem with SPIRE's wording. Reads the
 * `trust_bundle_path` file (every certificate must be a CA); touches nothing else (tenant domains
 * are resolved to tenant IDs when the plugin is created). Never throws.
 */
export function parseImdsConfig(raw: PluginData, _core: CoreConfig): ParseResult<ImdsConfig> {
  const r = new ConfigReader(raw);
  const tenants = new Map<string, ImdsTenantConfig>();
  const blocks = tenantBlocks(r, raw);
  if (blocks.length === 0) r.problem('configuration must have at least one tenant');
  for (const [domain, t] of blocks) {
    const auth = readAuth(r, t, domain);
    const restrict = new Set<string>();
    for (const s of t.strings('restrict_to_subscriptions') ?? []) {
      if (s.trim() === '') r.problem(`misconfigured tenant ${JSON.stringify(domain)}: restrict_to_subscriptions entries must be non-empty`);
      else restrict.add(s.trim());
    }
    tenants.set(domain, { auth, allowedVmTags: [...new Set(t.strings('allowed_vm_tags') ?? [])], restrictToSubscriptions: restrict });
  }
  let pathTemplate = PathTemplate.parse(DEFAULT_AGENT_PATH_TEMPLATE);
  const text = r.string('agent_path_template') ?? '';
  if (text !== '') {
    try {
      pathTemplate = PathTemplate.parse(text);
    } catch {
      r.problem(`failed to parse agent path template: ${JSON.stringify(text)}`);
    }
  }
  const domains = r.strings('allowed_metadata_domains') ?? [];
  const bundlePath = r.string('trust_bundle_path') ?? '';
  let additionalRoots: X509Certificate[] = [];
  if (bundlePath !== '') {
    try {
      additionalRoots = readPemCertificates(bundlePath);
      for (const c of additionalRoots) {
        if (!c.ca) r.problem(`trust bundle ${JSON.stringify(bundlePath)} contains a non-CA certificate (subject ${JSON.stringify(c.subject.replace(/\n/g, ', '))})`);
      }
    } catch (e) {
      r.problem(`unable to load trust bundle ${JSON.stringify(bundlePath)}: ${(e as Error).message}`);
    }
  }
  return r.result({ tenants, pathTemplate, allowedMetadataDomains: domains.length > 0 ? domains : [DEFAULT_METADATA_DOMAIN], additionalRoots });
}
