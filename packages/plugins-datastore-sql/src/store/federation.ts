import {
  validateTrustDomainName,
  type FederationRelationship,
  type FederationRelationshipMask,
  type Pagination,
} from '@spire-ts/core/plugin';
import { SqlFailure, type SqlDriver, type SqlExecutor } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';
import { normalizeBundle } from './bundle-codec.js';
import { fetchBundle, upsertBundleTx } from './bundles.js';
import { nextPage, readPage } from './pagination.js';
import { b, dbTimeMs, forUpdate } from './sql-util.js';
import { checkSpiffeId, checkString, LIMITS } from './validate.js';

interface RelRow {
  id: number;
  trust_domain: string;
  bundle_endpoint_url: string;
  bundle_endpoint_profile: string;
  endpoint_spiffe_id: string;
  [k: string]: unknown;
}

const COLS = 'id, trust_domain, bundle_endpoint_url, bundle_endpoint_profile, endpoint_spiffe_id';

function checkTrustDomain(td: unknown): string {
  if (td === '' || td === undefined || td === null) throw SqlErrors.trustDomainRequired();
  const s = checkString('trust_domain', td, LIMITS.trustDomainId, true);
  try {
    validateTrustDomainName(s);
  } catch (err) {
    throw SqlErrors.malformed('trust_domain', (err as Error).message);
  }
  return s;
}

function checkUrl(u: unknown): string {
  if (u === '' || u === undefined || u === null) throw SqlErrors.endpointUrlRequired();
  const s = checkString('bundle_endpoint_url', u, LIMITS.url, true);
  try {
    new URL(s);
  } catch {
    throw SqlErrors.malformed('bundle_endpoint_url', `"${s}" is not a URL`);
  }
  return s;
}

function checkProfile(fr: FederationRelationship): { profile: string; endpointSpiffeId: string } {
  if (fr.bundleEndpointProfile === 'https_web') return { profile: 'https_web', endpointSpiffeId: '' };
  if (fr.bundleEndpointProfile === 'https_spiffe') {
    if (!fr.endpointSpiffeId) throw SqlErrors.endpointSpiffeIdRequired();
    return { profile: 'https_spiffe', endpointSpiffeId: checkSpiffeId('endpoint_spiffe_id', fr.endpointSpiffeId) };
  }
  throw SqlErrors.badProfile(fr.bundleEndpointProfile);
}

async function toRelationship(db: SqlExecutor, r: RelRow): Promise<FederationRelationship> {
  const fr: FederationRelationship = {
    trustDomain: r.trust_domain,
    bundleEndpointUrl: r.bundle_endpoint_url,
    bundleEndpointProfile: r.bundle_endpoint_profile as FederationRelationship['bundleEndpointProfile'],
  };
  if (r.bundle_endpoint_profile === 'https_spiffe') fr.endpointSpiffeId = r.endpoint_spiffe_id;
  const bundle = await fetchBundle(db, `spiffe://${r.trust_domain}`);
  if (bundle) fr.trustDomainBundle = bundle;
  return fr;
}

/** Stores a relationship and its bundle (when given) in one transaction. */
export async function createRelationship(db: SqlDriver, fr: FederationRelationship): Promise<FederationRelationship> {
  if (typeof fr !== 'object' || fr === null) throw SqlErrors.relationshipNil();
  const td = checkTrustDomain(fr.trustDomain);
  const url = checkUrl(fr.bundleEndpointUrl);
  const { profile, endpointSpiffeId } = checkProfile(fr);
  const bundle = fr.trustDomainBundle ? normalizeBundle(fr.trustDomainBundle) : undefined;
  try {
    return await db.transaction(async (tx) => {
      const exists = await tx.query('SELECT id FROM federated_trust_domains WHERE trust_domain = ?', [td]);
      if (exists.length > 0) throw SqlErrors.relationshipExists(td);
      const now = dbTimeMs(tx.dialect, Date.now());
      await tx.exec(
        'INSERT INTO federated_trust_domains (created_at, updated_at, trust_domain, bundle_endpoint_url, bundle_endpoint_profile, endpoint_spiffe_id, implicit) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?)',
        [now, now, td, url, profile, endpointSpiffeId, b(tx.dialect, false)],
      );
      if (bundle) await upsertBundleTx(tx, bundle);
      return (await fetchRelationship(tx, td))!;
    });
  } catch (err) {
    if (err instanceof SqlFailure && err.kind === 'unique') throw SqlErrors.relationshipExists(td);
    throw err;
  }
}

/** The relationship with its bundle, or undefined. */
export async function fetchRelationship(db: SqlExecutor, trustDomain: string): Promise<FederationRelationship | undefined> {
  const rows = await db.query<RelRow>(`SELECT ${COLS} FROM federated_trust_domains WHERE trust_domain = ?`, [trustDomain]);
  return rows[0] ? toRelationship(db, rows[0]) : undefined;
}

/** Relationships in creation order, one page when asked. */
export async function listRelationships(
  db: SqlExecutor,
  req: { pagination?: Pagination },
): Promise<{ federationRelationships: FederationRelationship[]; pagination?: Pagination }> {
  const page = readPage(req?.pagination);
  const rows = page
    ? await db.query<RelRow>(`SELECT ${COLS} FROM federated_trust_domains WHERE id > ? ORDER BY id LIMIT ${page.limit}`, [page.afterId])
    : await db.query<RelRow>(`SELECT ${COLS} FROM federated_trust_domains ORDER BY id`);
  const federationRelationships: FederationRelationship[] = [];
  for (const r of rows) federationRelationships.push(await toRelationship(db, r));
  if (!page) return { federationRelationships };
  return {
    federationRelationships,
    pagination: nextPage(
      req.pagination!,
      page,
      rows.map((r) => Number(r.id)),
    ),
  };
}

/** Deletes the relationship (its bundle stays). */
export async function deleteRelationship(db: SqlExecutor, trustDomain: string): Promise<void> {
  if ((await db.exec('DELETE FROM federated_trust_domains WHERE trust_domain = ?', [trustDomain])) === 0) {
    throw SqlErrors.relationshipNotFound(trustDomain);
  }
}

/** Writes the masked fields (and the bundle, when masked) in one transaction. */
export async function updateRelationship(
  db: SqlDriver,
  fr: FederationRelationship,
  mask: FederationRelationshipMask,
): Promise<FederationRelationship> {
  if (typeof fr !== 'object' || fr === null) throw SqlErrors.relationshipNil();
  const td = checkTrustDomain(fr.trustDomain);
  const m = mask ?? { bundleEndpointUrl: true, bundleEndpointProfile: true, trustDomainBundle: true };
  const url = m.bundleEndpointUrl ? checkUrl(fr.bundleEndpointUrl) : undefined;
  const prof = m.bundleEndpointProfile ? checkProfile(fr) : undefined;
  const bundle = m.trustDomainBundle && fr.trustDomainBundle ? normalizeBundle(fr.trustDomainBundle) : undefined;
  return db.transaction(async (tx) => {
    const rows = await tx.query<RelRow>(`SELECT ${COLS} FROM federated_trust_domains WHERE trust_domain = ?${forUpdate(tx.dialect)}`, [td]);
    if (rows.length === 0) throw SqlErrors.relationshipNotFound(td);
    const now = dbTimeMs(tx.dialect, Date.now());
    if (url !== undefined) await tx.exec('UPDATE federated_trust_domains SET updated_at = ?, bundle_endpoint_url = ? WHERE id = ?', [now, url, rows[0]!.id]);
    if (prof) {
      await tx.exec('UPDATE federated_trust_domains SET updated_at = ?, bundle_endpoint_profile = ?, endpoint_spiffe_id = ? WHERE id = ?', [
        now,
        prof.profile,
        prof.endpointSpiffeId,
        rows[0]!.id,
      ]);
    }
    if (bundle) await upsertBundleTx(tx, bundle);
    return (await fetchRelationship(tx, td))!;
  });
}

/** How many relationships are stored. */
export async function countRelationships(db: SqlExecutor): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM federated_trust_domains');
  return Number(rows[0]?.n ?? 0);
}
