/**
 * Runs the emulator on its own for local trials: `node packages/emulator-aws/dist/main.js [port]`
 * prints the environment that points the AWS SDK (and a spire-server started from that shell)
 * at it, then serves until interrupted.
 */
import { AwsEmulator } from './emulator.js';

const port = Number(process.argv[2] ?? 4566);
const aws = await AwsEmulator.start({ port });
for (const [k, v] of Object.entries(aws.env())) process.stdout.write(`export ${k}=${v}\n`);
process.stdout.write(`# AWS emulator listening on ${aws.url} (account ${aws.accountId}, region ${aws.region}); Ctrl-C to stop\n`);
const stop = () => void aws.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
