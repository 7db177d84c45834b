import { SecretNotStringError, type SecretReader } from './secret-reader.js';

/**
 * In-memory secrets for unit tests: `strings` maps an ARN to its SecretString; an ARN in
 * `binary` has only a binary value; any other ARN fails as AWS's ResourceNotFoundException.
 */
export class FakeSecretReader implements SecretReader {
  readonly strings = new Map<string, string>();
  readonly binary = new Set<string>();
  reads: string[] = [];
  closed = false;

  async readString(arn: string): Promise<string> {
    this.reads.push(arn);
    if (this.binary.has(arn)) throw new SecretNotStringError();
    const v = this.strings.get(arn);
    if (v === undefined) throw Object.assign(new Error("Secrets Manager can't find the specified secret."), { name: 'ResourceNotFoundException' });
    return v;
  }

  close(): void {
    this.closed = true;
  }
}
