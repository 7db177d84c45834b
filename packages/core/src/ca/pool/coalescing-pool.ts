import type { SigningPool } from './signing-pool.js';
import { MAX_BATCH, type SigningTask } from './signing-tasks.js';

/** A task being filled: the items of every request merged so far, and who gets which. */
interface OpenTask {
  task: SigningTask;
  parts: Array<{ count: number; resolve: (results: unknown[]) => void; reject: (err: unknown) => void }>;
}

/** Tasks merge only when one worker message can carry them: same kind, key and issuer. */
function groupKey(task: SigningTask): string {
  if (task.kind !== 'x509') return `${task.kind}:${task.key.fingerprint}`;
  const i = task.issuer;
  return `x509:${task.key.fingerprint}:${i.keyType}:${Buffer.from(i.subjectDer).toString('base64')}:${Buffer.from(i.subjectKeyId).toString('base64')}`;
}

/**
 * A SigningPool that coalesces the tasks of concurrent callers: tasks that can share a worker
 * message and arrive in the same turn of the event loop (up to `maxItems` items) go to `inner`
 * as one task, and each caller gets back the results of its own items, in order. Each item's
 * outcome stays its own (a bad CSR fails alone); when the merged task fails as a whole, every
 * caller in it gets that error. A task that fills a batch is sent at once; the rest are sent
 * before the next turn's I/O (setImmediate), so a lone request waits no longer than that. A
 * merged task of at least `2 × minSplit` items is spread over the workers (one BatchNewX509SVID
 * of 50 signs on both cores), in parts of at least `minSplit` items.
 */
export function coalescingPool(inner: SigningPool, maxItems: number = MAX_BATCH, minSplit = 16): SigningPool {
  const open = new Map<string, OpenTask>();
  let scheduled = false;

  const send = (o: OpenTask): void => {
    const items = o.task.items as unknown[];
    const k = Math.max(1, Math.min(inner.threads, Math.floor(items.length / minSplit)));
    const size = Math.ceil(items.length / k);
    const tasks: SigningTask[] = [];
    for (let off = 0; off < items.length; off += size) tasks.push({ ...o.task, items: items.slice(off, off + size) } as SigningTask);
    Promise.all(tasks.map((t) => inner.run(t as never) as Promise<unknown[]>)).then(
      (parts) => {
        const results = parts.length === 1 ? parts[0]! : parts.flat();
        let off = 0;
        for (const p of o.parts) {
          p.resolve(results.slice(off, off + p.count));
          off += p.count;
        }
      },
      (err: unknown) => {
        for (const p of o.parts) p.reject(err);
      },
    );
  };
  const sendAll = (): void => {
    scheduled = false;
    const ready = [...open.values()];
    open.clear();
    for (const o of ready) send(o);
  };

  return {
    threads: inner.threads,
    run(task) {
      return new Promise((resolve, reject) => {
        const key = groupKey(task);
        let o = open.get(key);
        if (o && o.task.items.length + task.items.length > maxItems) {
          open.delete(key);
          send(o);
          o = undefined;
        }
        if (o) (o.task.items as unknown[]).push(...task.items);
        else {
          o = { task: { ...task, items: [...task.items] } as SigningTask, parts: [] };
          open.set(key, o);
        }
        o.parts.push({ count: task.items.length, resolve: resolve as (r: unknown[]) => void, reject });
        if (o.task.items.length >= maxItems) {
          open.delete(key);
          send(o);
        } else if (!scheduled) {
          scheduled = true;
          setImmediate(sendAll);
        }
      });
    },
    async close() {
      sendAll();
      await inner.close();
    },
  };
}
