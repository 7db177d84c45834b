import { Code, SpireError } from '../errors.js';
import type { Pagination } from '../plugins/datastore/contract.js';

/** The largest page any list RPC returns; bigger page_size values are capped to it. */
export const API_MAX_PAGE_SIZE = 1000;

/**
 * Store pagination from a request's page_size and page_token, as SPIRE: page_size 0 lists
 * everything at once; a positive size pages (capped at API_MAX_PAGE_SIZE). Throws
 * INVALID_ARGUMENT for a negative size or a token sent without a size.
 */
export function pageFromRequest(pageSize: number, pageToken: string): Pagination | undefined {
  if (!Number.isInteger(pageSize) || pageSize < 0) {
    throw new SpireError(Code.INVALID_ARGUMENT, `invalid page_size ${pageSize}: must be zero (no paging) or positive`);
  }
  if (pageSize === 0) {
    if (pageToken) throw new SpireError(Code.INVALID_ARGUMENT, 'invalid page_token: page_size must be set when a page token is given');
    return undefined;
  }
  return { pageSize: Math.min(pageSize, API_MAX_PAGE_SIZE), token: pageToken ?? '' };
}
