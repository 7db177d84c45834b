import type { EmulatorEnv } from './env.js';
import type { KmsKey, KmsService } from './kms.js';
import { AwsError, type ServiceModule } from './protocol.js';

/** The GetResources input the emulator reads. */
interface GetResourcesInput {
  ResourceTypeFilters?: unknown;
  TagFilters?: unknown;
  PaginationToken?: unknown;
  ResourcesPerPage?: unknown;
}

/** One tag filter: the key must be present; with values, its value must be one of them. */
interface TagFilter {
  Key: string;
  Values: string[];
}

function readFilters(raw: unknown): TagFilter[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > 50) throw new AwsError('InvalidParameterException', 'TagFilters must be a list of at most 50 filters');
  return raw.map((f: { Key?: unknown; Values?: unknown }) => {
    if (typeof f?.Key !== 'string' || f.Key === '') throw new AwsError('InvalidParameterException', 'each TagFilter needs a Key');
    const values = f.Values ?? [];
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
      throw new AwsError('InvalidParameterException', 'TagFilter Values must be a list of strings');
    }
    return { Key: f.Key, Values: values as string[] };
  });
}

/** True when a `service[:type]` resource type filter admits KMS keys. */
function admitsKmsKeys(types: string[]): boolean {
  return types.length === 0 || types.some((t) => t === 'kms' || t === 'kms:key');
}

/**
 * Resource Groups Tagging (JSON 1.1, ResourceGroupsTaggingAPI_20170126): `GetResources` over the
 * tags of the emulated KMS keys (the only tagged resources it knows), with ResourceTypeFilters,
 * TagFilters (AND across filters, OR across a filter's values) and PaginationToken paging.
 */
export class TaggingService {
  /** Page size when the request names none (AWS's default is 50 too). */
  pageSize = 50;

  constructor(
    readonly env: EmulatorEnv,
    readonly kms: KmsService,
  ) {}

  /** The keys matching the filters, in creation order; only keys with at least one tag. */
  matching(filters: TagFilter[]): KmsKey[] {
    return this.kms.keyList().filter((k) => {
      if (k.tags.size === 0) return false;
      return filters.every((f) => k.tags.has(f.Key) && (f.Values.length === 0 || f.Values.includes(k.tags.get(f.Key)!)));
    });
  }

  private getResources(input: GetResourcesInput) {
    const types = input.ResourceTypeFilters ?? [];
    if (!Array.isArray(types) || types.some((t) => typeof t !== 'string')) {
      throw new AwsError('InvalidParameterException', 'ResourceTypeFilters must be a list of strings');
    }
    const filters = readFilters(input.TagFilters);
    const perPage = input.ResourcesPerPage ?? this.pageSize;
    if (typeof perPage !== 'number' || perPage < 1 || perPage > 100) {
      throw new AwsError('InvalidParameterException', 'ResourcesPerPage must be between 1 and 100');
    }
    let start = 0;
    if (input.PaginationToken !== undefined && input.PaginationToken !== '') {
      start = Number.parseInt(String(input.PaginationToken), 10);
      if (!Number.isInteger(start) || start < 0) throw new AwsError('PaginationTokenExpiredException', 'the pagination token is not valid');
    }
    const all = admitsKmsKeys(types as string[]) ? this.matching(filters) : [];
    const items = all.slice(start, start + perPage);
    return {
      ResourceTagMappingList: items.map((k) => ({
        ResourceARN: k.arn,
        Tags: [...k.tags].map(([Key, Value]) => ({ Key, Value })),
      })),
      PaginationToken: start + perPage < all.length ? String(start + perPage) : '',
    };
  }

  /** The wire module. */
  module(): ServiceModule {
    return {
      name: 'tagging',
      jsonTarget: 'ResourceGroupsTaggingAPI_20170126',
      json: { GetResources: (i: GetResourcesInput) => this.getResources(i) },
    };
  }
}
