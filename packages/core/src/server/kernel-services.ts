import type { Catalog } from '../catalog/catalog.js';
import type { ServerConfig } from '../config/types.js';
import { createServiceRef } from '../di/service-ref.js';
import type { Logger } from '../log/logger.js';
import type { HealthChecker } from './health-checker.js';

// The refs of the kernel's own services; each plugin type's ref lives beside its contract.

/** The server's logger. */
export const LOGGER = createServiceRef<Logger>('spire.Logger');
/** The parsed, defaulted server.conf. */
export const SETTINGS = createServiceRef<ServerConfig>('spire.Settings');
/** The health checker the subsystems register with. */
export const HEALTH = createServiceRef<HealthChecker>('spire.HealthChecker');
/** The loaded plugin catalog. */
export const CATALOG = createServiceRef<Catalog>('spire.Catalog');
