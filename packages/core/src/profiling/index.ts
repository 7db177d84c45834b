export { CpuProfiler, type CpuProfile } from './cpu-profiler.js';
export { DEBUG_HOST, DEFAULT_PROFILE_SECONDS, MAX_PROFILE_SECONDS, profileSeconds, startDebugServer, type DebugServer } from './debug-server.js';
export { PROFILE_NAMES, TRACE_UNSUPPORTED, createDumper, writePrivateFile, type Dumper } from './dumpers.js';
export { DEFAULT_PROFILES_DIR, profileTimestamp, startPeriodicDumps, type PeriodicDumpOptions, type PeriodicDumps } from './periodic-dumps.js';
export { EventLoopDelay, goroutineReport, threadReport } from './reports.js';
export { idleProfilingKeys, startProfiling, type Profiling, type ProfilingDeps, type ProfilingOptions } from './profiling.js';
