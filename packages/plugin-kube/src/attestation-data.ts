import { goField, parseJson } from '@spire-ts/core/plugin';
import { TokenAttestationErrors as E } from './errors.js';

/** The attestation data a token attestor's agent sends (SPIRE's k8s.PSATAttestationData and k8s.SATAttestationData). */
export interface TokenAttestationData {
  cluster: string;
  token: string;
}

/** The token attestors, with SPIRE's Go type of their data and its wording for data that does not decode. */
const ATTESTORS = {
  k8s_psat: { goType: 'PSATAttestationData', badPayload: 'failed to unmarshal data payload' },
  k8s_sat: { goType: 'SATAttestationData', badPayload: 'failed to unmarshal attestation data' },
} as const;

/** A token attestor's plugin name. */
export type TokenAttestor = keyof typeof ATTESTORS;

/** A JSON value's kind in Go's unmarshal errors. */
export function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v;
}

/**
 * Decodes `{"cluster": …, "token": …}` into the Go type `goType` as Go's encoding/json does (keys
 * match without regard to case; null leaves a field empty). Throws Error with Go's wording for a
 * wrong type.
 */
export function decodeAttestationData(payload: Uint8Array, goType: string): TokenAttestationData {
  const doc = parseJson(payload);
  if (doc === null) return { cluster: '', token: '' };
  if (jsonKind(doc) !== 'object') throw new Error(`json: cannot unmarshal ${jsonKind(doc)} into Go value of type k8s.${goType}`);
  const field = (name: string): string => {
    const v = goField(doc, name);
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw new Error(`json: cannot unmarshal ${jsonKind(v)} into Go struct field ${goType}.${name} of type string`);
    return v;
  };
  return { cluster: field('cluster'), token: field('token') };
}

/**
 * The attestation data of `attestor`, checked as SPIRE checks it before looking at the cluster:
 * a payload that is there, decodes, and names a cluster and a token. Throws INVALID_ARGUMENT
 * (TokenAttestationErrors) otherwise.
 */
export function readAttestationData(attestor: TokenAttestor, payload: Uint8Array): TokenAttestationData {
  if (payload.length === 0) throw E.missingPayload();
  const { goType, badPayload } = ATTESTORS[attestor];
  let data: TokenAttestationData;
  try {
    data = decodeAttestationData(payload, goType);
  } catch (e) {
    throw E.badPayload(badPayload, e);
  }
  if (data.cluster === '') throw E.missingCluster();
  if (data.token === '') throw E.missingToken();
  return data;
}
