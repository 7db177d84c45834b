export { FederationManager, DEFAULT_REQUEST_TIMEOUT_MS, type FederationManagerOptions } from './federation-manager.js';
export { refreshHintMs, nextPollDelayMs, MINIMUM_REFRESH_HINT_MS, CONFIG_RELOAD_INTERVAL_MS } from './interval.js';
export { systemTimers, type Timers, type TimerHandle } from './timers.js';
export { RefresherErrors } from './errors.js';
export type { RefreshStatus } from './bundle-updater.js';
