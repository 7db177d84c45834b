import { Code, spireError, type SpireError } from '@spire-ts/core/plugin';

/** SPIRE's prefix for a datastore input check that failed (its sqlcommon.ValidationError). */
export const VALIDATION_PREFIX = 'datastore-validation: ';

/** An INVALID_ARGUMENT input-check failure, worded `datastore-validation: <detail>` as SPIRE's. */
function validation(detail: string): SpireError {
  return spireError(Code.INVALID_ARGUMENT, `${VALIDATION_PREFIX}${detail}`);
}

/** SPIRE's context for every problem with a registration entry's fields. */
const BAD_ENTRY = 'invalid registration entry: ';

/**
 * How the field checks name a field of a registration entry, so that their messages read as
 * SPIRE's do: `datastore-validation: invalid registration entry: hint is longer than 1024 bytes`.
 */
export function entryField(name: string): string {
  return `${BAD_ENTRY}${name}`;
}

/**
 * Every coded error of the sql DataStore, with its message, in one place. As in SPIRE, whose
 * datastore is not a plugin, the host adds no plugin prefix to these. Input checks carry SPIRE's
 * `datastore-validation: ` prefix, with SPIRE's exact text wherever SPIRE makes the same check;
 * the others say what failed (`database unavailable: ...`, `registration entry "x" not found`).
 */
export const SqlErrors = {
  // --- bad input (datastore-validation) ---
  missing: (field: string) => validation(`${field} is required`),
  tooLong: (field: string, max: number) => validation(`${field} is longer than ${max} bytes`),
  malformed: (field: string, detail: string) => validation(`${field} is malformed: ${detail}`),
  notInteger: (field: string, min: number, max: number) => validation(`${field} must be an integer from ${min} to ${max}`),
  missingEntry: () => validation('invalid request: missing registered entry'),
  noSelectors: () => validation(`${BAD_ENTRY}missing selector list`),
  entryIdTooLong: () => validation(`${BAD_ENTRY}entry ID too long`),
  entryIdChars: () => validation(`${BAD_ENTRY}entry ID contains invalid characters`),
  noSpiffeId: () => validation(`${BAD_ENTRY}missing SPIFFE ID`),
  x509SvidTtlNotSet: () => validation(`${BAD_ENTRY}X509SvidTtl is not set`),
  jwtSvidTtlNotSet: () => validation(`${BAD_ENTRY}JwtSvidTtl is not set`),
  storeSvidSelectorTypes: () => validation(`${BAD_ENTRY}selector types must be the same when store SVID is enabled`),
  storeSvidPrefetch: () => validation('specifying cache behaviour is incompatible with storable SVIDs'),
  unknownFederatedBundle: (td: string) =>
    spireError(Code.INVALID_ARGUMENT, `federates_with: unable to find federated bundle "${td}"`),
  pageSizeZero: () => spireError(Code.INVALID_ARGUMENT, 'cannot paginate with pagesize = 0'),
  badPageToken: (token: string) => spireError(Code.INVALID_ARGUMENT, `could not parse token '${token}'`),
  emptySelectorFilter: () => spireError(Code.INVALID_ARGUMENT, 'cannot list by empty selectors set'),
  badMatch: (field: string, m: unknown) =>
    spireError(Code.INVALID_ARGUMENT, `${field}: unknown match behavior "${String(m)}"; expected EXACT, SUBSET, SUPERSET or MATCH_ANY`),
  bothEventBounds: () => spireError(Code.INVALID_ARGUMENT, "can't set both greater and less than event id"),
  badDeleteMode: (m: unknown) =>
    spireError(Code.INVALID_ARGUMENT, `unknown delete mode "${String(m)}"; expected RESTRICT, DELETE or DISSOCIATE`),
  tokenRequired: () => spireError(Code.INVALID_ARGUMENT, 'token and expiry are required'),
  // SPIRE answers these checks with plain InvalidArgument statuses, without the validation prefix.
  relationshipNil: () => spireError(Code.INVALID_ARGUMENT, 'federation relationship is nil'),
  trustDomainRequired: () => spireError(Code.INVALID_ARGUMENT, 'trust domain is required'),
  endpointUrlRequired: () => spireError(Code.INVALID_ARGUMENT, 'bundle endpoint URL is required'),
  endpointSpiffeIdRequired: () => spireError(Code.INVALID_ARGUMENT, 'bundle endpoint SPIFFE ID is required'),
  caJournalRequired: () => spireError(Code.INVALID_ARGUMENT, 'ca journal is required'),
  activeAuthorityIdRequired: () => spireError(Code.INVALID_ARGUMENT, 'active X509 authority ID is required'),
  badProfile: (p: unknown) => spireError(Code.INVALID_ARGUMENT, `unknown bundle endpoint profile type: "${String(p)}"`),

  // --- not found / exists / preconditions ---
  entryNotFound: (id: string) => spireError(Code.NOT_FOUND, `registration entry "${id}" not found`),
  entryExists: (id: string) => spireError(Code.ALREADY_EXISTS, `a registration entry with ID "${id}" already exists`),
  similarEntry: (id: string) =>
    spireError(Code.ALREADY_EXISTS, `similar registration entry already exists: entry "${id}" has the same spiffe_id, parent_id and selectors`),
  similarEntryRace: () =>
    spireError(Code.ALREADY_EXISTS, 'similar registration entry already exists: same spiffe_id, parent_id and selectors, or the same entry ID'),
  nodeNotFound: (id: string) => spireError(Code.NOT_FOUND, `attested node "${id}" not found`),
  nodeExists: (id: string) => spireError(Code.ALREADY_EXISTS, `attested node "${id}" already exists`),
  bundleNotFound: (td: string) => spireError(Code.NOT_FOUND, `bundle for "${td}" not found`),
  bundleExists: (td: string) => spireError(Code.ALREADY_EXISTS, `bundle for "${td}" already exists`),
  bundleInUse: (n: number) =>
    spireError(Code.FAILED_PRECONDITION, `cannot delete bundle; federated with ${n} registration entries`),
  pruneAllRoots: (td: string) =>
    spireError(Code.FAILED_PRECONDITION, `prune of bundle "${td}" would remove every root CA; nothing was pruned`),
  caNotFound: () => spireError(Code.NOT_FOUND, 'no root CA found with provided subject key ID'),
  caAlreadyTainted: () => spireError(Code.INVALID_ARGUMENT, 'root CA is already tainted'),
  caNotTainted: () => spireError(Code.INVALID_ARGUMENT, 'it is not possible to revoke an untainted root CA'),
  jwtKeyNotFound: () => spireError(Code.NOT_FOUND, 'no JWT Key found with provided key ID'),
  jwtKeyAlreadyTainted: () => spireError(Code.INVALID_ARGUMENT, 'key is already tainted'),
  jwtKeyNotTainted: () => spireError(Code.INVALID_ARGUMENT, 'it is not possible to revoke an untainted key'),
  badRootCa: (detail: string) => spireError(Code.INTERNAL, `failed to parse root CA: ${detail}`),
  tokenNotFound: () => spireError(Code.NOT_FOUND, 'join token not found'),
  tokenExists: () => spireError(Code.ALREADY_EXISTS, 'join token already exists'),
  relationshipNotFound: (td: string) => spireError(Code.NOT_FOUND, `federation relationship for "${td}" not found`),
  relationshipExists: (td: string) => spireError(Code.ALREADY_EXISTS, `federation relationship for "${td}" already exists`),
  journalNotFound: (id: number) => spireError(Code.NOT_FOUND, `CA journal ${id} not found`),

  // --- the database itself ---
  unavailable: (detail: string, cause?: unknown) => spireError(Code.UNAVAILABLE, `database unavailable: ${detail}`, cause),
  sqlFailed: (detail: string, cause?: unknown) => spireError(Code.UNKNOWN, `database error: ${detail}`, cause),
  notWritable: (detail: string, cause?: unknown) => spireError(Code.UNAVAILABLE, `database does not accept writes: ${detail}`, cause),
  schemaTooNew: (found: number, known: number) =>
    spireError(
      Code.FAILED_PRECONDITION,
      `the database schema is at version ${found}, newer than version ${known} that this server knows; upgrade the server (it refuses to start so that it cannot damage newer data)`,
    ),
  migrationDisabled: (found: number, known: number) =>
    spireError(
      Code.FAILED_PRECONDITION,
      `the database schema is at version ${found} and this server needs version ${known}, but disable_migration is set; run a server with migrations enabled once`,
    ),
  // --- schema versions: upstream's words where upstream refuses the same case ---
  schemaTooOld: (found: number) =>
    spireError(
      Code.FAILED_PRECONDITION,
      `datastore-sql: migrating from schema version ${found} requires a previous SPIRE release; please follow the upgrade strategy at doc/upgrading.md`,
    ),
  incompatibleSchema: () => spireError(Code.FAILED_PRECONDITION, 'datastore-sql: incompatible DB schema and code version'),
  autoMigrationRequired: () => spireError(Code.FAILED_PRECONDITION, 'datastore-sql: auto-migration must be enabled for current DB'),
  badStoredCodeVersion: (v: string) =>
    spireError(Code.FAILED_PRECONDITION, `datastore-sql: error getting DB code version: unable to parse code version from DB: "${v}" is not a semantic version`),
  badCodeVersion: (v: string) => spireError(Code.INTERNAL, `the server's code version "${v}" is not a semantic version`),
  preSpireSchema: () =>
    spireError(
      Code.FAILED_PRECONDITION,
      "the database holds this server's pre-SPIRE schema (table spire_ts_schema) and disable_migration is set; start once with migrations enabled to convert it to SPIRE's schema",
    ),
  extrasNeeded: () =>
    spireError(
      Code.FAILED_PRECONDITION,
      'the database is at the current schema but lacks the extra columns this server keeps beside it (similarity_key, similarity_revision, expires_at_unix), and disable_migration is set; start once with migrations enabled',
    ),
  closed: () => spireError(Code.UNAVAILABLE, 'the datastore is closed'),
} as const satisfies Record<string, (...args: never[]) => SpireError>;
