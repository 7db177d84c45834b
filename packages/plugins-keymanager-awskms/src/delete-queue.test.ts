import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@spire-ts/core/plugin';
import type { AwsEmulator } from '@spire-ts/emulator-aws';
import { DELETE_QUEUE_CAPACITY, DeleteQueue } from './delete-queue.js';
import { FakeTaskClock } from '@spire-ts/core/plugin/testing';
import { startKeyManager, startKmsEmulator } from './test-support.js';

const awsError = (name: string) => Object.assign(new Error(`${name} happened`), { name });

describe('aws_kms delete queue', () => {
  it('retries a failed deletion with a doubling wait up to 60 s, and a success resets it', async () => {
    const clock = new FakeTaskClock();
    const t0 = clock.now().getTime();
    const q = new DeleteQueue(silentLogger());
    const attempts: number[] = [];
    let failures = 7;
    const ac = new AbortController();
    void q.run(
      async () => {
        attempts.push((clock.now().getTime() - t0) / 1000);
        if (failures-- > 0) throw awsError('InternalFailure');
      },
      clock,
      ac.signal,
    );
    q.push('arn:a');
    await q.whenIdle();
    await clock.advance(200_000);
    await q.whenIdle();
    // Waits of 2, 4, 8, 16, 32, 60, 60 s after each failure.
    assert.deepEqual(attempts, [0, 2, 6, 14, 30, 62, 122, 182]);
    assert.deepEqual(q.pending, []);
    ac.abort();
  });

  it('drops a key KMS says is gone, unnamed or already pending', async () => {
    const clock = new FakeTaskClock();
    const q = new DeleteQueue(silentLogger());
    const seen: string[] = [];
    const ac = new AbortController();
    void q.run(
      async (arn) => {
        seen.push(arn);
        throw awsError(arn);
      },
      clock,
      ac.signal,
    );
    for (const code of ['NotFoundException', 'InvalidArnException', 'KMSInvalidStateException']) q.push(code);
    await q.whenIdle();
    assert.deepEqual(seen, ['NotFoundException', 'InvalidArnException', 'KMSInvalidStateException']);
    assert.deepEqual(q.pending, []);
    ac.abort();
  });

  it(`holds at most ${DELETE_QUEUE_CAPACITY} keys`, () => {
    const q = new DeleteQueue(silentLogger());
    for (let i = 0; i < DELETE_QUEUE_CAPACITY; i++) assert.equal(q.push(`arn:${i}`), true);
    assert.equal(q.push('one-too-many'), false);
    assert.equal(q.pending.length, DELETE_QUEUE_CAPACITY);
  });
});

describe('aws_kms delete queue against KMS', () => {
  let aws: AwsEmulator;
  before(async () => {
    aws = await startKmsEmulator();
  });
  after(async () => aws.close());

  it('schedules with a 7-day window and drops unknown or already pending keys', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'dq-1' });
    await km.generateKey('k', 'ec-p256');
    const key = aws.kms.aliasTarget('alias/SPIRE_SERVER/example_org/dq-1/k')!;
    const calls = aws.calls('kms', 'ScheduleKeyDeletion').length;
    km.deleteQueue.push('arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000');
    km.deleteQueue.push(key.arn);
    km.deleteQueue.push(key.arn);
    await km.deleteQueue.whenIdle();
    assert.equal(aws.calls('kms', 'ScheduleKeyDeletion').length, calls + 3);
    assert.deepEqual(aws.calls('kms', 'ScheduleKeyDeletion').at(-2)?.input, { KeyId: key.arn, PendingWindowInDays: 7 });
    assert.equal(key.keyState, 'PendingDeletion');
    assert.deepEqual(km.deleteQueue.pending, []);
    await km.close();
  });
});
