import type { Logger } from '@spire-ts/core/plugin';
import { readAccountListFile } from './account-list-file.js';
import type { AwsIidApi } from './aws-api.js';
import type { OrgValidationConfig } from './config.js';
import { wrapAwsError } from './errors.js';
import { MembershipCache } from './membership-cache.js';

/**
 * `verify_organization`: is an instance's account an ACTIVE member of the organization? The list
 * comes from Organizations ListAccounts (API mode, called as `assume_org_role` in the management
 * account) or from `account_list_file` (file mode, re-read after each TTL); it is cached for
 * `org_account_map_ttl` with SPIRE's miss-refresh budget. Any failure to get the list fails
 * closed.
 */
export class OrgValidator {
  private readonly cache: MembershipCache;

  constructor(
    private readonly config: OrgValidationConfig,
    now: () => number,
    private readonly log: Logger,
  ) {
    this.cache = new MembershipCache(config.ttlMs, now, false);
  }

  /** True when file mode is on (no Organizations client is needed). */
  get fileMode(): boolean {
    return this.config.accountListFile !== '';
  }

  /**
   * True when `accountId` is a member. `api` is the management account's clients (unused in file
   * mode). Rejects with an Error worded as SPIRE's when the list cannot be had.
   */
  isMember(accountId: string, api: AwsIidApi | undefined, signal: AbortSignal): Promise<boolean> {
    return this.cache.has(accountId, () => (this.fileMode ? this.fromFile() : this.fromApi(api!, signal)));
  }

  private async fromFile(): Promise<Set<string>> {
    let ids: Set<string>;
    try {
      ids = readAccountListFile(this.config.accountListFile);
    } catch (e) {
      throw new Error(`failed to load org account list: ${(e as Error).message}`, { cause: e });
    }
    if (ids.size === 0) {
      this.log.warn({ account_list_file: this.config.accountListFile }, 'org account list file is empty; all accounts will fail organization validation');
    }
    return ids;
  }

  private async fromApi(api: AwsIidApi, signal: AbortSignal): Promise<Set<string>> {
    const out = new Set<string>();
    let page;
    try {
      page = await api.listAccounts(undefined, signal);
    } catch (e) {
      throw wrapAwsError('issue while getting list of accounts', e);
    }
    for (;;) {
      for (const a of page.items) if (a.status === 'ACTIVE') out.add(a.id);
      if (!page.nextToken) return out;
      try {
        page = await api.listAccounts(page.nextToken, signal);
      } catch (e) {
        throw wrapAwsError('issue while getting list of accounts in pagination', e);
      }
    }
  }
}
