import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, spireError } from '../errors.js';
import { ConfigReader } from '../plugins/config-reader.js';
import type { AnyPluginDescriptor } from '../plugins/descriptor.js';
import type { PluginType } from '../plugins/types.js';
import type { BuiltinEntry } from './builtins.js';
import type { PluginConfig } from '../config/plugin-config.js';
import { TrustDomain } from '../spiffeid/index.js';

export { recordingLogger as recordingLog, type LogRecord } from '../log/recording-logger.js';

/** What a greeter instance offers: its configured greeting. */
export interface Greeter {
  greet(): Promise<string>;
  close(): Promise<void>;
}

/**
 * A built-in of any type whose behaviour shows its config: `greet()` answers its `greeting`.
 * `greeting = "bad"` is refused by parseConfig, `fail_create = true` by create. Every create and
 * close is counted in `journal`.
 */
export function greeter(type: PluginType, name: string, journal: string[]): AnyPluginDescriptor {
  return {
    type,
    name,
    parseConfig(raw) {
      const r = new ConfigReader(raw);
      const greeting = r.string('greeting', { default: 'hello' }) ?? 'hello';
      const failCreate = r.bool('fail_create', { default: false }) ?? false;
      if (greeting === 'bad') r.problem('greeting must not be "bad"');
      return r.result({ greeting, failCreate });
    },
    create({ config }) {
      const c = config as { greeting: string; failCreate: boolean };
      if (c.failCreate) throw spireError(Code.INVALID_ARGUMENT, 'cannot start with fail_create');
      journal.push(`create ${c.greeting}`);
      return {
        greet: async () => c.greeting,
        close: async () => {
          journal.push(`close ${c.greeting}`);
        },
      } satisfies Greeter;
    },
  };
}

/** A BuiltinEntry for a descriptor. */
export function entry(d: AnyPluginDescriptor): BuiltinEntry {
  return { type: d.type, name: d.name, load: async () => d };
}

export const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp/spire-test' };

/** A fresh temp dir. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'spire-reconf-'));
}

/**
 * A declaration whose data comes from `file` (written with `text` first), as the config reader
 * makes it: data parsed, dataText the file's text.
 */
export function fileDecl(type: string, name: string, file: string, text: string, data: Record<string, unknown>): PluginConfig {
  writeFileSync(file, text);
  return { type, name, enabled: true, data, dataText: text, dataFile: file };
}

/** An inline declaration. */
export function inlineDecl(type: string, name: string, text: string, data: Record<string, unknown>): PluginConfig {
  return { type, name, enabled: true, data, dataText: text };
}
