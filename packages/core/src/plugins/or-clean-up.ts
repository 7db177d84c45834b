/**
 * Runs `start`; when it throws, runs `cleanUp` before throwing the same error. For test harnesses
 * that start an emulator before the plugin: a plugin that fails to start must not leave the
 * emulator listening, or the test process never exits. Tests only.
 */
export async function orCleanUp<T>(start: () => Promise<T>, cleanUp: () => Promise<void>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    await cleanUp().catch(() => undefined);
    throw err;
  }
}
