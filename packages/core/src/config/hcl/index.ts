export type { Pos, HclValue, HclObject, HclItem, HclKey } from './ast.js';
export { parseHclAst } from './parser.js';
export { parseJsonAst } from './json.js';
export { decodeHcl, keyPos, isRepeatedBlocks, type DecodeProblem } from './decode.js';
