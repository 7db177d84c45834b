/** Type-only key of a ServiceRef's service type; never present at run time. */
declare const serviceType: unique symbol;

/**
 * A typed DI token: the name a service is bound under, carrying the service's type, so that
 * binding or resolving a value of another type fails to compile (as Backstage's `ServiceRef<T>`).
 * A plain object: plugins may see it, the container behind it stays in the kernel.
 */
export interface ServiceRef<T> {
  /** The service's name, e.g. `spire.DataStore`; two refs with the same id are one binding. */
  readonly id: string;
  /** The key the kernel's container binds under (`Symbol.for(id)`). */
  readonly token: symbol;
  /** Type only: carries `T`; never set. */
  readonly [serviceType]?: T;
}

/**
 * A ref for services of type `T` named `id`. Calling it twice with one id gives two refs for the
 * same binding (the token is `Symbol.for(id)`). Never throws.
 */
export function createServiceRef<T>(id: string): ServiceRef<T> {
  return Object.freeze({ id, token: Symbol.for(id) });
}
