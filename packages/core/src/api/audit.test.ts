import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../log/logger.js';
import { Code } from '../errors.js';
import { AuditScope } from './audit.js';

function recorder(): { log: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const log = { info: (rec: Record<string, unknown>) => records.push(rec) } as unknown as Logger;
  return { log, records };
}

describe('audit log', () => {
  it('names a cancelled call\'s status code `Canceled`, as grpc-go\'s codes.Code String() does', () => {
    const { log, records } = recorder();
    new AuditScope(log, { transport: 'uds', addr: '/x.sock', ip: '' }, 'spire.api.server.entry.v1.Entry/ListEntries').finish({ code: Code.CANCELLED, message: 'context canceled' }, {});
    assert.equal(records.length, 1);
    assert.equal(records[0]!.status_code, 'Canceled');
    assert.equal(records[0]!.status_message, 'context canceled');
  });

  it('names a code outside grpc-go\'s table `Code(n)`', () => {
    const { log, records } = recorder();
    new AuditScope(log, { transport: 'uds', addr: '/x.sock', ip: '' }, 'm').finish({ code: 42 as Code, message: 'odd' }, {});
    assert.equal(records[0]!.status_code, 'Code(42)');
  });

  it('records the console user and the browser\'s address of a call made from the web console', () => {
    const { log, records } = recorder();
    const caller = { transport: 'uds' as const, addr: 'console', ip: '', console: { user: 'link:0123abcd', remote: '127.0.0.1' } };
    new AuditScope(log, caller, 'm').finish({ code: 0, message: 'OK' }, {});
    assert.equal(records[0]!.console_user, 'link:0123abcd');
    assert.equal(records[0]!.console_remote, '127.0.0.1');
    assert.equal(records[0]!.caller_local, true);
  });

  it('adds no console fields to other calls', () => {
    const { log, records } = recorder();
    new AuditScope(log, { transport: 'uds', addr: '/x.sock', ip: '' }, 'm').finish({ code: 0, message: 'OK' }, {});
    assert.equal('console_user' in records[0]!, false);
    assert.equal('console_remote' in records[0]!, false);
  });
});
