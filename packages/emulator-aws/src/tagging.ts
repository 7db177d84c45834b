import type { EmulatorEnv } from './env.js';
import type { KmsService } from './kms.js';
import type { ServiceModule } from './protocol.js';

/** Resource Groups Tagging (JSON 1.1, ResourceGroupsTaggingAPI_20170126), over the KMS keys' tags. */
export class TaggingService {
  constructor(
    readonly env: EmulatorEnv,
    readonly kms: KmsService,
  ) {}

  /** The wire module. */
  module(): ServiceModule {
    return { name: 'tagging', jsonTarget: 'ResourceGroupsTaggingAPI_20170126', json: {} };
  }
}
