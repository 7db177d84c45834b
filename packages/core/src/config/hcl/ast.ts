/**
 * The syntax tree shared by the HCL and JSON readers. Every node keeps where it starts so that
 * problems found later, while decoding or validating, can name `file:line`.
 */

/** Where a token starts: 1-based line and column (columns count UTF-16 units). */
export interface Pos {
  line: number;
  column: number;
}

export type HclValue = HclString | HclNumber | HclBool | HclNull | HclList | HclObject;

export interface HclString {
  kind: 'string';
  value: string;
  pos: Pos;
  /** The JSON text as written (quotes and escapes kept); set by the JSON reader. */
  raw?: string;
}
export interface HclNumber {
  kind: 'number';
  value: number;
  pos: Pos;
  /** The JSON text as written; set by the JSON reader. */
  raw?: string;
}
export interface HclBool {
  kind: 'bool';
  value: boolean;
  pos: Pos;
}
/** Only JSON has null. */
export interface HclNull {
  kind: 'null';
  pos: Pos;
}
export interface HclList {
  kind: 'list';
  items: HclValue[];
  pos: Pos;
}
export interface HclObject {
  kind: 'object';
  items: HclItem[];
  pos: Pos;
}

/** One key of an item: an identifier or a quoted label. */
export interface HclKey {
  name: string;
  pos: Pos;
  /** The JSON text as written (quotes and escapes kept); set by the JSON reader. */
  raw?: string;
}

/**
 * One entry of an object: `key = value`, `block { }` or `block "label" "label2" { }`. `keys` has
 * the block name first and then its labels.
 */
export interface HclItem {
  keys: HclKey[];
  value: HclValue;
}
