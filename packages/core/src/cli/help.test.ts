import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS } from './commands/index.js';
import { runCli } from './test-support/run-cli.js';
import { runInProcess } from './test-support/run-in-process.js';

// Expected outputs from upstream's CLI tests (cmd/spire-server/cli/entry/util_posix_test.go,
// healthcheck_posix_test.go): Go's flag package prints the usage on -h; mitchellh/cli then prints
// the command's Help(), which is flag.ErrHelp's text.
const ENTRY_COUNT_USAGE = `Usage of entry count:
  -downstream
    \tA boolean value that, when set, indicates that the entry describes a downstream SPIRE server
  -federatesWith value
    \tSPIFFE ID of a trust domain an entry is federate with. Can be used more than once
  -hint string
    \tThe Hint of the records to count (optional)
  -instance string
    \tInstance name to substitute into socket templates (env SPIRE_SERVER_PRIVATE_SOCKET_TEMPLATE).
  -matchFederatesWithOn string
    \tThe match mode used when filtering by federates with. Options: exact, any, superset and subset (default "superset")
  -matchSelectorsOn string
    \tThe match mode used when filtering by selectors. Options: exact, any, superset and subset (default "superset")
  -output value
    \tDesired output format (pretty, json); default: pretty.
  -parentID string
    \tThe Parent ID of the records to count
  -selector value
    \tA colon-delimited type:value selector. Can be used more than once
  -socketPath string
    \tPath to the SPIRE Server API socket (default "/tmp/spire-server/private/api.sock")
  -spiffeID string
    \tThe SPIFFE ID of the records to count
`;
const HEALTHCHECK_USAGE = `Usage of healthcheck:
  -instance string
    \tInstance name to substitute into socket templates (env SPIRE_SERVER_PRIVATE_SOCKET_TEMPLATE).
  -shallow
    \tPerform a less stringent health check
  -socketPath string
    \tPath to the SPIRE Server API socket (default "/tmp/spire-server/private/api.sock")
  -verbose
    \tPrint verbose information
`;
const HELP_REQUESTED = 'flag: help requested\n';

test('-h on a subcommand: the usage, then "flag: help requested", all on stderr; exit 0', async () => {
  assert.deepEqual(await runCli(['entry', 'count', '-h']), { code: 0, stdout: '', stderr: ENTRY_COUNT_USAGE + HELP_REQUESTED });
  assert.deepEqual(await runInProcess(['healthcheck', '-help']), { code: 0, stdout: '', stderr: HEALTHCHECK_USAGE + HELP_REQUESTED });
  // mitchellh/cli looks for -h anywhere before `--`, even before the subcommand or as a flag's value.
  assert.deepEqual(await runInProcess(['--help', 'entry', 'count']), { code: 0, stdout: '', stderr: ENTRY_COUNT_USAGE + HELP_REQUESTED });
  assert.deepEqual(await runInProcess(['entry', 'count', '-spiffeID', '-h']), { code: 0, stdout: '', stderr: ENTRY_COUNT_USAGE + HELP_REQUESTED });
});

test('-h works the same on every command, run and validate included', async () => {
  // Upstream's cli.go registers 44 commands (wit mint only behind its feature flag); this project
  // adds `console login`.
  assert.equal(COMMANDS.length, 45);
  for (const c of COMMANDS) {
    const r = await runInProcess([...c.name.split(' '), '-h']);
    assert.equal(r.code, 0, c.name);
    assert.equal(r.stdout, '', c.name);
    assert.match(r.stderr, /^Usage of [a-z0-9 ]+:\n( {2}-\w+( \w+)?\n {4}\t.+\n)+flag: help requested\n$/, c.name);
  }
});

test('token generate names its flag set "generate", as upstream does', async () => {
  const r = await runInProcess(['token', 'generate', '-h']);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /^Usage of generate:\n {2}-instance string\n/);
});

test('-h after -- is an argument, not a request for help', async () => {
  const r = await runInProcess(['entry', 'count', '-socketPath', '/does-not-exist.sock', '--', '-h']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^Error: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix \/\/\/does-not-exist\.sock/);
});

test('-output given twice with different formats is refused while parsing, as cliprinter does', async () => {
  const r = await runInProcess(['entry', 'count', '-output', 'json', '-output', 'pretty']);
  assert.deepEqual(r, {
    code: 1,
    stdout: '',
    stderr: `invalid value "pretty" for flag -output: the output format has already been set to "json"\n${ENTRY_COUNT_USAGE}`,
  });
  // The same format again is accepted (the command then goes on to the server).
  const same = await runInProcess(['entry', 'count', '-socketPath', '/does-not-exist.sock', '-output', 'JSON', '-output', 'json']);
  assert.match(same.stderr, /^Error: rpc error: code = Unavailable/);
  // A bad format is reported where it appears, before a later unknown flag.
  const bad = await runInProcess(['entry', 'count', '-output', 'yaml', '-bogus']);
  assert.equal(bad.stderr, `invalid value "yaml" for flag -output: bad formatter flag: unknown format option: "yaml"\n${ENTRY_COUNT_USAGE}`);
});
