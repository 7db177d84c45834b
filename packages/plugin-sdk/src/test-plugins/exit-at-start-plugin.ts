#!/usr/bin/env node
// Dies before the handshake, as a plugin with a broken install would.
process.stderr.write('panic: cannot open required file\n');
process.exit(2);
