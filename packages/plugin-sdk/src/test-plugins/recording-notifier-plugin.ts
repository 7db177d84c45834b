#!/usr/bin/env node
// An external Notifier that records, for wire tests, what the server sends it: the
// hcl_configuration text exactly as received (config.txt) and each bundle event in order
// (events.jsonl), in the directory named by SPIRE_TEST_RECORD_DIR.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineNotifier, serve, type PluginBundle } from '../index.js';

const dir = process.env.SPIRE_TEST_RECORD_DIR ?? '';
if (dir === '') throw new Error('SPIRE_TEST_RECORD_DIR is not set');

function record(event: string, b: PluginBundle): void {
  const line = { event, x509Authorities: b.x509Authorities.length, jwtAuthorities: b.jwtAuthorities.length };
  appendFileSync(join(dir, 'events.jsonl'), `${JSON.stringify(line)}\n`);
}

const recordingNotifier = defineNotifier({
  name: 'recording',
  parseConfig: () => ({ config: {}, problems: [] }),
  create: () => ({
    async notifyAndAdviseBundleLoaded(bundle) {
      record('BundleLoaded', bundle);
    },
    async notifyBundleUpdated(bundle) {
      record('BundleUpdated', bundle);
    },
  }),
});

await serve(recordingNotifier, {
  decodeConfig: (text) => {
    writeFileSync(join(dir, 'config.txt'), text);
    return {};
  },
});
