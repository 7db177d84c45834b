import { goField, parseJson } from '@spire-ts/core/plugin';

/** The agent's attestation data (SPIRE's k8s.PSATAttestationData). */
export interface PsatAttestationData {
  cluster: string;
  token: string;
}

function kind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v;
}

/**
 * Decodes `{"cluster": …, "token": …}` as Go's encoding/json does (keys match without regard to
 * case; null leaves a field empty). Throws Error with Go's wording for a wrong type.
 */
export function decodePayload(payload: Uint8Array): PsatAttestationData {
  const doc = parseJson(payload);
  if (doc === null) return { cluster: '', token: '' };
  if (kind(doc) !== 'object') throw new Error(`json: cannot unmarshal ${kind(doc)} into Go value of type k8s.PSATAttestationData`);
  const field = (name: string): string => {
    const v = goField(doc, name);
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw new Error(`json: cannot unmarshal ${kind(v)} into Go struct field PSATAttestationData.${name} of type string`);
    return v;
  };
  return { cluster: field('cluster'), token: field('token') };
}
