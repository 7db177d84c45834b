/** The agent command line that uses a join token. */

/** Quotes `s` for a POSIX shell when it holds anything but safe characters. */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `spire-agent run -joinToken <token>`, quoted for a shell. */
export function agentCommandLine(token: string): string {
  return `spire-agent run -joinToken ${shellQuote(token)}`;
}
