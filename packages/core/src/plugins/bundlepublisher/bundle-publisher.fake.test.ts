import { runBundlePublisherContract } from './contract-suite.js';
import { FakeBundlePublisher } from './bundle-publisher.fake.js';

runBundlePublisherContract('fake', async () => {
  const publisher = new FakeBundlePublisher();
  return { publisher, published: async () => publisher.published, close: async () => {} };
});
