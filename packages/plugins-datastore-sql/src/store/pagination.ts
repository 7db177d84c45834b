import { DATASTORE_MAX_PAGE_SIZE, type Pagination } from '@spire-ts/core/plugin';
import type { Row, SqlExecutor } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';

/** A decoded page request: rows after `afterId`, at most `limit` of them. */
export interface PageRequest {
  afterId: number;
  limit: number;
}

const PREFIX = 'p1.';

/** The opaque token for "continue after row `id`". */
export function encodeToken(id: number): string {
  return PREFIX + Buffer.from(String(id), 'utf8').toString('base64url');
}

/**
 * Reads a request's pagination. Undefined when the request does not page. The page size is capped
 * at DATASTORE_MAX_PAGE_SIZE so a client's number never sizes an allocation. Throws
 * INVALID_ARGUMENT for a page size of 0 (or less) and for a token this store did not make.
 */
export function readPage(p: Pagination | undefined): PageRequest | undefined {
  if (p === undefined || p === null) return undefined;
  const size = Number(p.pageSize);
  if (!Number.isFinite(size) || size <= 0) throw SqlErrors.pageSizeZero();
  let afterId = 0;
  const token = p.token ?? '';
  if (token !== '') {
    const raw = token.startsWith(PREFIX) ? Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8') : '';
    if (!/^\d{1,15}$/.test(raw)) throw SqlErrors.badPageToken(token);
    afterId = Number(raw);
  }
  return { afterId, limit: Math.min(Math.floor(size), DATASTORE_MAX_PAGE_SIZE) };
}

/** The pagination to return with a page: a token to continue, or '' when it was the last. */
export function nextPage(req: Pagination, page: PageRequest, lastIds: readonly number[]): Pagination {
  const last = lastIds[lastIds.length - 1];
  const more = lastIds.length === page.limit && last !== undefined;
  return { pageSize: req.pageSize, token: more ? encodeToken(last) : '' };
}

/** A list filter: WHERE conditions (joined with AND) and their parameters. */
export interface SqlFilter {
  where: string[];
  params: unknown[];
}

function whereSql(where: readonly string[]): string {
  return where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
}

/**
 * The rows of `table` (aliased `alias`) matching `filter`, in id order: all of them, or one page
 * after `page.afterId`. `filter` is not modified.
 */
export function selectPage<R extends Row>(
  db: SqlExecutor,
  table: string,
  alias: string,
  cols: string,
  filter: SqlFilter,
  page: PageRequest | undefined,
): Promise<R[]> {
  const where = page ? [...filter.where, `${alias}.id > ?`] : filter.where;
  const params = page ? [...filter.params, page.afterId] : filter.params;
  return db.query<R>(`SELECT ${cols} FROM ${table} ${alias}${whereSql(where)} ORDER BY ${alias}.id${page ? ` LIMIT ${page.limit}` : ''}`, params);
}

/** How many rows of `table` (aliased `alias`) match `filter`. */
export async function countWhere(db: SqlExecutor, table: string, alias: string, filter: SqlFilter): Promise<number> {
  const rows = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} ${alias}${whereSql(filter.where)}`, filter.params);
  return Number(rows[0]?.n ?? 0);
}
