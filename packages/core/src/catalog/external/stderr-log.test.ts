import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { StderrForwarder } from './stderr-log.js';

function capture() {
  const records: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      records.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  const log = pino({ level: 'trace', base: undefined, timestamp: false }, sink).child({ plugin_type: 'KeyManager', plugin_name: 'x' });
  return { fwd: new StderrForwarder(log), records };
}

describe('plugin stderr forwarding', () => {
  it('keeps the level, message and fields of hclog JSON lines, under the plugin’s fields', () => {
    const { fwd, records } = capture();
    fwd.line('{"@level":"warn","@message":"Key rotated","@timestamp":"2026-01-02T15:04:05.000000Z","@module":"plugin","key_id":"A"}');
    fwd.line('{"@level":"error","@message":"boom"}');
    assert.deepEqual(records, [
      { level: 40, plugin_type: 'KeyManager', plugin_name: 'x', key_id: 'A', msg: 'Key rotated' },
      { level: 50, plugin_type: 'KeyManager', plugin_name: 'x', msg: 'boom' },
    ]);
  });

  it('logs plain lines by their [LEVEL] prefix, at debug otherwise, and a Go panic as errors', () => {
    const { fwd, records } = capture();
    fwd.line('[INFO]  starting');
    fwd.line('just text');
    fwd.line('');
    fwd.line('panic: runtime error');
    fwd.line('goroutine 1 [running]:');
    assert.deepEqual(
      records.map((r) => [r.level, r.msg]),
      [
        [30, '[INFO]  starting'],
        [20, 'just text'],
        [50, 'panic: runtime error'],
        [50, 'goroutine 1 [running]:'],
      ],
    );
  });
});
