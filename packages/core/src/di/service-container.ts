import 'reflect-metadata';
import { container as rootContainer } from 'tsyringe';
import type { ServiceRef } from './service-ref.js';

/**
 * The kernel's typed DI container: a value is bound and resolved through a `ServiceRef<T>`, so a
 * value of the wrong type fails to compile. Only the kernel holds one; plugins get plain deps.
 */
export interface ServiceContainer {
  /** Binds `value` to `ref`, replacing an earlier binding. Safe to call twice. */
  register<T>(ref: ServiceRef<T>, value: NoInfer<T>): void;
  /** The value bound to `ref`. Throws when nothing is bound. */
  resolve<T>(ref: ServiceRef<T>): T;
  /** The value bound to `ref`, or undefined when nothing is. Never throws. */
  resolveOptional<T>(ref: ServiceRef<T>): T | undefined;
}

/** A new, empty container (a tsyringe child container behind the typed methods). */
export function createServiceContainer(): ServiceContainer {
  const c = rootContainer.createChildContainer();
  return {
    register: (ref, value) => {
      c.register(ref.token, { useValue: value });
    },
    resolve: <T>(ref: ServiceRef<T>) => c.resolve<T>(ref.token),
    resolveOptional: <T>(ref: ServiceRef<T>) => (c.isRegistered(ref.token, true) ? c.resolve<T>(ref.token) : undefined),
  };
}
