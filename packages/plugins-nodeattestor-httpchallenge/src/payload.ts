import { goField, parseJson } from '@spire-ts/core/plugin';
import { HttpChallengeErrors as E } from './errors.js';

/** The agent's payload (SPIRE's AttestationData). */
export interface AttestationData {
  hostName: string;
  agentName: string;
  port: number;
}

const AGENT_NAME = /^[a-zA-Z][a-zA-Z0-9-]*$/;

function field(obj: unknown, name: string, kind: 'string' | 'int'): string | number {
  const v = goField(obj, name);
  if (v === undefined || v === null) return kind === 'string' ? '' : 0;
  if (kind === 'string' && typeof v === 'string') return v;
  if (kind === 'int' && typeof v === 'number' && Number.isSafeInteger(v)) return v;
  const got = Array.isArray(v) ? 'array' : typeof v;
  throw E.unmarshal(`json: cannot unmarshal ${got} into Go struct field AttestationData.${name} of type ${kind}`);
}

/**
 * Decodes the payload `{"hostname", "agentname", "port"}` as Go's encoding/json would (keys
 * matched without regard to case). Throws INVALID_ARGUMENT when it is empty or malformed.
 */
export function readAttestationData(bytes: Uint8Array): AttestationData {
  if (bytes.length === 0) throw E.missingPayload();
  let v: unknown;
  try {
    v = parseJson(bytes);
  } catch (e) {
    throw E.unmarshal((e as Error).message);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw E.unmarshal('json: cannot unmarshal into Go value of type httpchallenge.AttestationData');
  return {
    hostName: field(v, 'hostname', 'string') as string,
    agentName: field(v, 'agentname', 'string') as string,
    port: field(v, 'port', 'int') as number,
  };
}

/** SPIRE's agent name rule: a letter, then letters, digits or dashes; at most 32 characters. */
export function checkAgentName(name: string): void {
  if (!AGENT_NAME.test(name) || name.length > 32) throw E.invalidAgentName();
}

/** SPIRE's host name rule: never `localhost`; when patterns are set, one must match. */
export function checkHostName(host: string, patterns: RegExp[]): void {
  if (host === 'localhost') throw E.localhost();
  if (patterns.length === 0) return;
  if (!patterns.some((re) => re.test(host))) throw E.hostnameNotAllowed();
}
