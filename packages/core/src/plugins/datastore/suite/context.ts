import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { Code, SpireError } from '../../../errors.js';
import type { AttestedNode, Bundle, DataStore, RegistrationEntry } from '../contract.js';

/** What a suite run needs from the implementation under test. */
export type DataStoreSetup = () => Promise<{ ds: DataStore; close(): Promise<void> }>;

/**
 * Shared state of one suite run: one store for every test (tests keep apart by unique names, so
 * the same suite can run against a shared database server quickly).
 */
export class SuiteContext {
  private opened?: { ds: DataStore; close(): Promise<void> };

  constructor(readonly setup: DataStoreSetup) {
    before(async () => {
      this.opened = await setup();
    });
    after(async () => {
      await this.opened?.close();
    });
  }

  /** The store under test; valid inside tests. */
  get ds(): DataStore {
    if (!this.opened) throw new Error('the store is not open (setup failed?)');
    return this.opened.ds;
  }
}

/** A short unique token for names. */
export function uid(): string {
  return randomUUID().slice(0, 8);
}

/** A trust domain name used only by the caller. */
export function uniqueTd(): string {
  return `td-${uid()}.test`;
}

/** A valid entry with unique IDs; override any field. */
export function makeEntry(over: Partial<RegistrationEntry> = {}): RegistrationEntry {
  const u = uid();
  return {
    entryId: '',
    spiffeId: `spiffe://example.org/workload/${u}`,
    parentId: `spiffe://example.org/spire/agent/join_token/${u}`,
    selectors: [{ type: 'unix', value: `uid:${u}` }],
    x509SvidTtl: 3600,
    jwtSvidTtl: 300,
    federatesWith: [],
    dnsNames: [],
    admin: false,
    downstream: false,
    entryExpiry: 0,
    storeSvid: false,
    hint: '',
    createdAt: 0,
    revisionNumber: 0,
    ...over,
  };
}

/** A valid attested node with a unique ID; override any field. */
export function makeNode(over: Partial<AttestedNode> = {}): AttestedNode {
  return {
    spiffeId: `spiffe://example.org/spire/agent/x509pop/${uid()}`,
    attestationDataType: 'x509pop',
    certSerialNumber: String(Math.floor(Math.random() * 1e12)),
    certNotAfter: Math.floor(Date.now() / 1000) + 3600,
    newCertSerialNumber: '',
    newCertNotAfter: 0,
    canReattest: false,
    agentVersion: '1.16.0',
    selectors: [],
    ...over,
  };
}

/** An empty bundle for `spiffe://<td>`; override any field. */
export function makeBundle(td: string, over: Partial<Bundle> = {}): Bundle {
  return { trustDomainId: `spiffe://${td}`, rootCas: [], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: 0, ...over };
}

/** Asserts that `p` rejects with a SpireError of `code` (and a message matching `message`). */
export async function rejectsWith(p: Promise<unknown>, code: Code, message?: RegExp): Promise<SpireError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `expected a ${Code[code]} error, but the call succeeded`);
  assert.ok(caught instanceof SpireError, `expected a SpireError, got ${String(caught)}`);
  assert.equal(Code[caught.code], Code[code], `wrong code; message: ${caught.message}`);
  if (message) assert.match(caught.message, message);
  return caught;
}

/** Unix seconds now. */
export function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** Selector sets compare as sets: sorted copies. */
export function sortedSelectors(s: { type: string; value: string }[]): string[] {
  return s.map((x) => `${x.type}:${x.value}`).sort();
}
