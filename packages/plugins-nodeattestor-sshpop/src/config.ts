import { readFileSync } from 'node:fs';
import { ConfigReader, PathTemplate, type CoreConfig, type ParseResult, type PluginData } from '@spire-ts/core/plugin';
import { parseAuthorizedKey, type SshPublicKey } from './ssh-wire.js';

/** sshpop's parsed configuration. */
export interface SshpopConfig {
  /** The trusted host CAs. */
  certAuthorities: SshPublicKey[];
  /** '' when principals are used as they are. */
  canonicalDomain: string;
  pathTemplate: PathTemplate;
}

/** SPIRE's default agent path. */
export const DEFAULT_TEMPLATE = '/{{ .PluginName}}/{{ .Fingerprint }}';

/**
 * The lines of a CA file, as SPIRE reads it: split at `\n`, empty lines dropped. Any other line (a
 * `#` comment or whitespace only included) is kept, and then refused as a key that fails to parse.
 */
function linesOf(path: string): string[] {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  if (lines.length === 0) throw new Error(`no data found in file: "${path}"`);
  return lines;
}

/**
 * Reads sshpop's plugin_data, collecting every problem with SPIRE's wording. It reads
 * cert_authorities_path (as SPIRE's Validate does) but touches nothing else. Never throws.
 * Empty lines of the CA file are skipped; every other line must be a key, as in SPIRE.
 */
export function parseSshpopConfig(raw: PluginData, _core: CoreConfig): ParseResult<SshpopConfig> {
  const r = new ConfigReader(raw);
  const inline = r.strings('cert_authorities');
  const path = r.string('cert_authorities_path') ?? '';
  if (inline === undefined && path === '') {
    r.problem('missing required config value for "cert_authorities" or "cert_authorities_path"');
  }
  const lines = [...(inline ?? [])];
  if (path !== '') {
    try {
      lines.push(...linesOf(path));
    } catch (e) {
      r.problem(`failed to get cert authorities from file: ${(e as Error).message}`);
    }
  }
  const certAuthorities: SshPublicKey[] = [];
  for (const line of lines) {
    try {
      certAuthorities.push(parseAuthorizedKey(line));
    } catch (e) {
      r.problem(`failed to create cert checker: failed to parse public key ${JSON.stringify(line)}: ${(e as Error).message}`);
    }
  }
  if (lines.length === 0 && (inline !== undefined || path !== '') && !r.problems.some((p) => p.startsWith('failed to get cert'))) {
    r.problem('failed to create cert checker: must provide at least one cert authority');
  }
  const canonicalDomain = r.string('canonical_domain') ?? '';
  const templateText = r.string('agent_path_template') ?? '';
  let pathTemplate = PathTemplate.parse(DEFAULT_TEMPLATE);
  if (templateText !== '') {
    try {
      pathTemplate = PathTemplate.parse(templateText);
    } catch (e) {
      r.problem(`failed to parse agent svid template: ${JSON.stringify(templateText)}: ${(e as Error).message}`);
    }
  }
  return r.result({ certAuthorities, canonicalDomain, pathTemplate });
}
