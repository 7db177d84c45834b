import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';

/** A V8 CPU profile, in the `.cpuprofile` JSON format Chrome DevTools opens. */
export type CpuProfile = Profiler.Profile;

/**
 * One V8 CPU profile taken through its own inspector session, so that it runs beside any other
 * (the debug server's `profile` and the periodic `cpu` dump do not disturb each other).
 */
export class CpuProfiler {
  private session?: Session;

  /** Starts sampling. Rejects when this profiler is already running. */
  async start(): Promise<void> {
    if (this.session) throw new Error('the CPU profiler is already running');
    const session = new Session();
    session.connect();
    this.session = session;
    try {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    } catch (err) {
      this.discard();
      throw err;
    }
  }

  /** Stops sampling and returns the profile. Rejects when the profiler is not running. */
  async stop(): Promise<CpuProfile> {
    const session = this.session;
    if (!session) throw new Error('the CPU profiler is not running');
    try {
      const { profile } = await session.post('Profiler.stop');
      return profile;
    } finally {
      this.discard();
    }
  }

  /** Drops the profile being taken, if any. Safe to call twice and when not running. */
  discard(): void {
    const session = this.session;
    this.session = undefined;
    // Disconnecting ends the session's profile too.
    session?.disconnect();
  }

  /** Whether a profile is being taken. */
  get running(): boolean {
    return this.session !== undefined;
  }
}
