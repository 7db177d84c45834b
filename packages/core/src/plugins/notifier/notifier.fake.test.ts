import { runNotifierContract } from './contract-suite.js';
import { FakeNotifier } from './notifier.fake.js';

runNotifierContract('fake', async () => {
  const notifier = new FakeNotifier();
  return { notifier, delivered: async () => notifier.last(), close: async () => {} };
});
