import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './test-support/run-cli.js';
import { runInProcess } from './test-support/run-in-process.js';
import { VERSION } from './version.js';

// What mitchellh/cli v1.1.5 (upstream's CLI library) prints for spire-server: its BasicHelpFunc
// lists the top-level keys padded to the longest, with the synopsis (empty for the groups it
// fills in itself), and Run adds a newline. `console` is this project's own (the web console's
// login links); the other 14 groups are upstream's.
const TOP_HELP = `Usage: spire-server [--version] [--help] <command> [<args>]

Available commands are:
    agent                
    bundle               
    console              
    debug                
    entry                
    federation           
    healthcheck          Determines server health status
    jwt                  
    localauthority       
    logger               
    run                  Runs the server
    token                
    upstreamauthority    
    validate             Validates a SPIRE server configuration file
    x509                 

`;
const ACCESSED = 'This command is accessed by using one of the subcommands below.';

test('no arguments: the top-level help with the 15 groups (14 of upstream, and console) on stderr, exit 127', async () => {
  assert.deepEqual(await runCli([]), { code: 127, stdout: '', stderr: TOP_HELP });
  assert.deepEqual(await runInProcess(['nosuchcommand', '-x']), { code: 127, stdout: '', stderr: TOP_HELP });
  assert.deepEqual(await runInProcess(['-h']), { code: 0, stdout: '', stderr: TOP_HELP });
});

test('a group alone says it is reached through its subcommands, lists them, exit 1', async () => {
  assert.deepEqual(await runInProcess(['localauthority']), {
    code: 1,
    stdout: '',
    stderr: `${ACCESSED}\n\nSubcommands:\n    jwt     \n    x509    \n`,
  });
  const entry = await runCli(['entry']);
  assert.equal(entry.code, 1);
  assert.equal(entry.stdout, '');
  // Listing a subcommand asks it for its Help(), and each flag command prints its usage while
  // answering, as upstream's do.
  const heads = entry.stderr.split('\n').filter((l) => l.startsWith('Usage of '));
  assert.deepEqual(heads, ['Usage of entry count:', 'Usage of entry create:', 'Usage of entry delete:', 'Usage of entry show:', 'Usage of entry update:']);
  assert.ok(
    entry.stderr.endsWith(
      `\n${ACCESSED}\n\nSubcommands:\n    count     Count registration entries\n    create    Creates registration entries\n    delete    Deletes registration entries\n    show      Displays configured registration entries\n    update    Updates registration entries\n`,
    ),
    entry.stderr,
  );
  // An unknown word after a group runs the group.
  assert.equal((await runInProcess(['entry', 'nosuch'])).stderr, entry.stderr);
  assert.deepEqual(await runInProcess(['localauthority', '-h']), { code: 0, stdout: '', stderr: `${ACCESSED}\n\nSubcommands:\n    jwt     \n    x509    \n` });
});

test('--version and -v print the version on stderr, exit 0', async () => {
  assert.deepEqual(await runCli(['--version']), { code: 0, stdout: '', stderr: `${VERSION}\n` });
  assert.deepEqual(await runInProcess(['-v']), { code: 0, stdout: '', stderr: `${VERSION}\n` });
});

test('a flag before the subcommand is refused with mitchellh/cli\'s message and the command help, exit 1', async () => {
  const r = await runInProcess(['-verbose', 'healthcheck']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^Invalid flags before the subcommand\. If these flags are for\nthe subcommand, please put them after the subcommand\.\n\nUsage of healthcheck:\n[^]*\nflag: help requested\n$/);
});
