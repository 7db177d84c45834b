import type { DataStore } from '../plugins/datastore/contract.js';

/**
 * The part of the DataStore the CA uses: the trust bundle (append, prune, taint, revoke) and the
 * CA journal. The CA expects SPIRE's SQL store semantics: appendBundle merges and bumps the
 * sequence number when something was added; pruneBundle, taint and revoke bump it too.
 */
export type CADataStore = Pick<
  DataStore,
  | 'fetchBundle'
  | 'appendBundle'
  | 'pruneBundle'
  | 'taintX509CA'
  | 'revokeX509CA'
  | 'taintJWTKey'
  | 'revokeJWTKey'
  | 'setCAJournal'
  | 'fetchCAJournal'
  | 'pruneCAJournals'
>;
