#!/usr/bin/env node
// Never completes the go-plugin handshake: prints nothing on stdout and waits forever.
process.stderr.write(`silent plugin started (pid ${process.pid}); it will never answer\n`);
setInterval(() => undefined, 60_000);
