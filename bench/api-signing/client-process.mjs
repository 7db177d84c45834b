// The load client (client.mjs) as a child process, shared by the api-signing benches.
import { fork } from 'node:child_process';

/** The client process, spoken to one message at a time. */
export function startClient() {
  const child = fork(new URL('./client.mjs', import.meta.url).pathname, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  const inbox = [];
  const waiters = [];
  let gone;
  const deliver = (m) => (waiters.length ? waiters.shift()(m) : inbox.push(m));
  child.on('message', deliver);
  child.on('exit', (code, signal) => {
    gone = new Error(`the load client exited (${code ?? signal})`);
    deliver({ type: 'exit' });
  });
  const next = () => (inbox.length ? Promise.resolve(inbox.shift()) : new Promise((r) => waiters.push(r)));
  return {
    child,
    /** Sends `msg` and resolves with the answer of type `want`; rejects on the client's error. */
    async ask(msg, want) {
      if (gone) throw gone;
      child.send(msg);
      const m = await next();
      if (m.type === 'error') throw new Error(`the load client failed: ${m.message}`);
      if (m.type === 'exit') throw gone;
      if (m.type !== want) throw new Error(`the load client answered ${m.type}, expected ${want}`);
      return m;
    },
  };
}
