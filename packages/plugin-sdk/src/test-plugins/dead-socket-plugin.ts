#!/usr/bin/env node
// Prints a valid handshake line for a socket nobody listens on, then waits forever.
process.stdout.write(`1|1|unix|/tmp/spire-test-no-such-socket-${process.pid}|grpc|\n`);
setInterval(() => undefined, 60_000);
