// The bundle bench's load: N keep-alive TLS connections, one GET / in flight on each, for S s.
import { Agent, get } from 'node:https';
import { performance } from 'node:perf_hooks';
import { quantile } from '../api-signing/measure.mjs';

const [port, connections, seconds] = process.argv.slice(2).map(Number);
const agent = new Agent({ keepAlive: true, maxSockets: connections, rejectUnauthorized: false });
const once = () =>
  new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    }).on('error', reject);
  });
const loop = async (endAt, lat) => {
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < endAt) {
        const t = performance.now();
        await once();
        lat?.push(performance.now() - t);
      }
    }),
  );
};
await loop(performance.now() + 500); // connect and warm up
const lat = [];
const t0 = performance.now();
await loop(t0 + seconds * 1000, lat);
const wall = (performance.now() - t0) / 1000;
agent.destroy();
process.send({ requests: lat.length, wall, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) }, () => process.exit(0));
