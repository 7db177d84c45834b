import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from '@spire-ts/core/plugin';
import { openSqlStore } from './open.js';
import { mustParse } from './testing/targets.js';

function capturingLogger(records: { fields: Record<string, unknown>; msg: string }[]): Logger {
  const log = {
    info: (fields: Record<string, unknown>, msg: string) => records.push({ fields, msg }),
    debug: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    child: () => log,
  };
  return log as unknown as Logger;
}

describe('log_sql', () => {
  it('logs each statement when on, and none when off', async () => {
    for (const on of [true, false]) {
      const records: { fields: Record<string, unknown>; msg: string }[] = [];
      const ds = await openSqlStore(mustParse({ database_type: 'sqlite3', connection_string: ':memory:', log_sql: on }), capturingLogger(records));
      const before = records.length;
      await ds.fetchJoinToken('x');
      await ds.fetchJoinToken('y');
      const logged = records.slice(before).filter((r) => r.msg === 'SQL statement');
      if (on) {
        assert.equal(logged.length, 2, 'a cached statement is logged on every run');
        assert.equal(logged[0]!.fields.sql, 'SELECT token, expiry FROM join_tokens WHERE token = ?');
      } else {
        assert.equal(logged.length, 0);
      }
      await ds.close();
    }
  });
});
