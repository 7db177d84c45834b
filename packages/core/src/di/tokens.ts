/**
 * DI tokens of the kernel's own services. Plugin tokens live beside each plugin contract.
 * tsyringe never leaves the kernel: plugins receive plain objects.
 */
export const LOGGER = Symbol.for('spire.Logger');
export const SETTINGS = Symbol.for('spire.Settings');
export const HEALTH = Symbol.for('spire.HealthChecker');
export const CATALOG = Symbol.for('spire.Catalog');
