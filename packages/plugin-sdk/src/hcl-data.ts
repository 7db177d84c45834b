import { Code, ConfigSyntaxError, SpireError, parseHcl, type PluginData } from '@spire-ts/core/plugin';

/**
 * Decodes plugin_data as a server sends it to an external plugin (`hcl_configuration`) with the
 * server's own reader (`parseHcl` from `@spire-ts/core`): HCL 1 (attributes, blocks, labelled
 * blocks, heredocs, comments), JSON, or a document in braces `{ key = "v" }`. Blocks and
 * labels mean what they mean in server.conf: `backend "s3" { }` is `{ backend: { s3: {} } }`, a
 * repeated unlabelled block is a list of objects, and a key given twice is an error.
 *
 * Throws a SpireError (INVALID_ARGUMENT) naming the line and column of the first syntax error,
 * e.g. `plugin_data: line 3, column 1: expected a value ..., got end of file`. Empty text is no
 * options. Pure; safe to call any number of times.
 */
export function decodePluginData(text: string): PluginData {
  if (text.trim() === '') return {};
  try {
    return parseHcl(text, 'plugin_data');
  } catch (err) {
    if (err instanceof ConfigSyntaxError) {
      throw new SpireError(Code.INVALID_ARGUMENT, `plugin_data: line ${err.line}, column ${err.column}: ${err.detail}`);
    }
    throw err;
  }
}
