import type { StsService } from './sts.js';

/** What every emulated service shares: the account, the default region, STS and the clock. */
export interface EmulatorEnv {
  readonly accountId: string;
  readonly region: string;
  readonly sts: StsService;
  /** The emulator's clock (creation and update dates); tests may move it. */
  now(): Date;
}
