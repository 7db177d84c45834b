import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, formatJsonLine, formatTextLine, parseLogLevel } from './logger.js';

test('text lines look like SPIRE (logrus): time, level, msg, then sorted fields', () => {
  const line = formatTextLine({ time: Date.UTC(2024, 0, 2, 3, 4, 5), level: 30, msg: 'Plugin loaded', plugin_type: 'KeyManager', plugin_name: 'disk', subsystem_name: 'catalog' });
  assert.equal(line, 'time="2024-01-02T03:04:05Z" level=info msg="Plugin loaded" plugin_name=disk plugin_type=KeyManager subsystem_name=catalog\n');
  // logrus writes a value bare only when it is made of letters, digits and -._/@^+.
  assert.match(formatTextLine({ time: 0, level: 40, msg: 'x', reason: 'two words' }), /level=warning msg=x reason="two words"$/m);
  assert.match(formatTextLine({ time: 120, level: 30, msg: 'm', address: '127.0.0.1:8081', path: '/tmp/a.sock', empty: '' }), /^time="1970-01-01T00:00:00.12Z" level=info msg=m address="127.0.0.1:8081" empty="" path=\/tmp\/a.sock$/m);
});

test('levels accept SPIRE spellings in any case and reject others', () => {
  assert.equal(parseLogLevel('DEBUG'), 'debug');
  assert.equal(parseLogLevel('warn'), 'warn');
  assert.equal(parseLogLevel('Warning'), 'warn');
  assert.equal(parseLogLevel('loud'), undefined);
  assert.throws(() => createLogger({ level: 'loud' }), /log_level: unknown level "loud"/);
  assert.throws(() => createLogger({ format: 'xml' }), /log_format: must be "text" or "json"; got "xml"/);
});

test('log_file receives JSON records at the level asked for, with source location', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-log-'));
  const file = join(dir, 'server.log');
  const log = createLogger({ level: 'WARN', format: 'json', file, sourceLocation: true });
  log.info('hidden');
  log.warn({ subsystem_name: 'ca' }, 'shown');
  // The file is written asynchronously: wait (up to 10 s, on a busy machine) for a whole line.
  // Records are written in order, so a hidden record would come before the shown one.
  let text = '';
  for (let waited = 0; waited < 10_000 && !text.endsWith('\n'); waited += 20) {
    await new Promise((r) => setTimeout(r, 20));
    text = readFileSync(file, 'utf8');
  }
  const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.msg, 'shown');
  assert.equal(lines[0]!.level, 'warning', "logrus's name for the level");
  assert.equal(lines[0]!.subsystem_name, 'ca');
  assert.match(String(lines[0]!.file), /^logger\.test\.js:\d+$/, 'the base name and line, as logrus');
  assert.deepEqual(Object.keys(lines[0]!), [...Object.keys(lines[0]!)].sort(), 'keys sorted, as Go marshals a map');
});

test('JSON lines are logrus JSON: sorted keys, logrus level names, RFC3339Nano time', () => {
  const line = formatJsonLine({ time: Date.UTC(2024, 0, 2, 3, 4, 5, 250), level: 50, msg: 'Failed', subsystem_name: 'ca', error: 'boom', attempt: 1 });
  assert.equal(line, '{"attempt":1,"error":"boom","level":"error","msg":"Failed","subsystem_name":"ca","time":"2024-01-02T03:04:05.25Z"}\n');
});
