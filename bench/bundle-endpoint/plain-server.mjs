// The bundle bench's baseline: node:https serving the same document bytes at GET /.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';

const [port, dir] = process.argv.slice(2);
const body = readFileSync(join(dir, 'bundle.json'));
const server = createServer({ cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) }, (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  res.end(body);
});
server.listen(Number(port), '127.0.0.1', () => process.send('up'));
