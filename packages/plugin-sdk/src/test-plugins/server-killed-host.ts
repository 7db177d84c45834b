// A stand-in server process for the orphan test: loads an external KeyManager, prints the
// plugin's PID, then kills itself with SIGKILL so that no shutdown code runs.
import { loadPluginForTest } from '../testing.js';
import { testPluginPath } from './paths.js';

const loaded = await loadPluginForTest({ type: 'KeyManager', name: 'ext', path: testPluginPath('keymanager-plugin') });
process.stdout.write(`${loaded.externals.status()[0]!.pid}\n`);
setTimeout(() => process.kill(process.pid, 'SIGKILL'), 50);
