import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** Options of KeyManager "aws_kms". */
export interface AwsKmsConfig {
  /** Static credentials, used only when both are set; otherwise the SDK's default chain. */
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** A file holding this server's UUID (created 0600 when missing); '' when the value is given. */
  keyIdentifierFile: string;
  /** This server's identifier, given directly; '' when the file is used. */
  keyIdentifierValue: string;
  /** A JSON key policy passed verbatim to CreateKey; '' for SPIRE's default policy. */
  keyPolicyFile: string;
  /** Operator tags put on every key created, in the order configured. */
  keyTags: [string, string][];
  /** Find keys through the Resource Groups Tagging API rather than only through aliases. */
  enableTagBasedKeyDiscovery: boolean;
}

// Go's regexp \s is [\t\n\f\r ].
const TAG_KEY = /^[\p{L}\p{N}\t\n\f\r +\-=._:/@]+$/u;
const TAG_VALUE = /^[\p{L}\p{N}\t\n\f\r +\-=._:/@]*$/u;
const INVALID_CHARS = '(allowed: letters, numbers, spaces, + - = . _ : / @)';

/** The first thing wrong with the operator's key tags (SPIRE's rules and words), or undefined. */
export function keyTagsProblem(tags: [string, string][]): string | undefined {
  if (tags.length > 50) return `too many tags: ${tags.length} tags exceed AWS limit of 50`;
  for (const [key, value] of tags) {
    const k = JSON.stringify(key);
    if (key === '') return 'tag key cannot be empty';
    if (Buffer.byteLength(key) > 128) return `tag key ${k} exceeds maximum length of 128 characters`;
    if (key.toLowerCase().startsWith('aws:')) return `tag key ${k} uses reserved prefix 'aws:'`;
    if (key.toLowerCase().startsWith('spire-')) return `tag key ${k} uses reserved prefix 'spire-'`;
    if (!TAG_KEY.test(key)) return `tag key ${k} contains invalid characters ${INVALID_CHARS}`;
    if (Buffer.byteLength(value) > 256) return `tag value for key ${k} exceeds maximum length of 256 characters`;
    if (!TAG_VALUE.test(value)) return `tag value for key ${k} contains invalid characters ${INVALID_CHARS}`;
  }
  return undefined;
}

function readKeyTags(r: ConfigReader, raw: unknown): [string, string][] {
  if (raw === undefined || raw === null) return [];
  // HCL decodes a `key_tags { … }` block as a one-element list of objects.
  const obj = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    r.problem('key_tags must be a map of strings');
    return [];
  }
  const entries = Object.entries(obj as Record<string, unknown>);
  if (entries.some(([, v]) => typeof v !== 'string')) {
    r.problem('key_tags must be a map of strings');
    return [];
  }
  return entries as [string, string][];
}

/**
 * Reads plugin_data as SPIRE's aws_kms does, collecting every problem with SPIRE's messages:
 * `region` is required; exactly one of `key_identifier_file` and `key_identifier_value`; the
 * value may hold only `A-z`, digits, `/`, `_` and `-` (SPIRE's character class, which also lets
 * `[\]^` and backquote through), must not start with `alias/aws/` and is at most 256 characters;
 * `key_tags` follow AWS's tag rules with `aws:` and `spire-` reserved. Unknown options are refused.
 * Touches nothing outside (the identifier and policy files are read by the plugin itself).
 */
export function parseAwsKmsConfig(raw: PluginData): ParseResult<AwsKmsConfig> {
  const r = new ConfigReader(raw);
  const accessKeyId = r.string('access_key_id') ?? '';
  const secretAccessKey = r.string('secret_access_key') ?? '';
  const region = r.string('region') ?? '';
  const keyIdentifierFile = r.string('key_identifier_file') ?? '';
  const keyIdentifierValue = r.string('key_identifier_value') ?? '';
  const keyPolicyFile = r.string('key_policy_file') ?? '';
  r.allow('key_tags');
  const keyTags = readKeyTags(r, raw.key_tags);
  const enableTagBasedKeyDiscovery = r.bool('enable_tag_based_key_discovery') ?? false;

  if (region === '') r.problem('configuration is missing a region');
  if (keyIdentifierValue !== '') {
    if (/[^A-z0-9/_-]/.test(keyIdentifierValue)) {
      r.problem('Key identifier must contain only alphanumeric characters, forward slashes (/), underscores (_), and dashes (-)');
    }
    if (keyIdentifierValue.startsWith('alias/aws/')) r.problem('Key identifier must not start with alias/aws/');
    if (keyIdentifierValue.length > 256) r.problem('Key identifier must not be longer than 256 characters');
  }
  if (keyIdentifierFile === '' && keyIdentifierValue === '') {
    r.problem('configuration requires a key identifier file or a key identifier value');
  }
  if (keyIdentifierFile !== '' && keyIdentifierValue !== '') {
    r.problem("configuration can't have a key identifier file and a key identifier value at the same time");
  }
  const tagProblem = keyTagsProblem(keyTags);
  if (tagProblem) r.problem(`invalid configuration for key tags: ${tagProblem}`);

  return r.result({
    accessKeyId,
    secretAccessKey,
    region,
    keyIdentifierFile,
    keyIdentifierValue,
    keyPolicyFile,
    keyTags,
    enableTagBasedKeyDiscovery,
  });
}
