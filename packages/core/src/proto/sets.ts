import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Options } from '@grpc/proto-loader';
import { protoDir } from './loader.js';

/** The name of a set of .proto files in proto/sets.json. */
export type ProtoSetName = 'api' | 'plugin' | 'journal' | 'workload';

/** One set as the run-time loaders use it. */
export interface ProtoSet {
  /** The .proto files the set is loaded from, relative to protoDir(). */
  readonly files: readonly string[];
  /** proto-loader's options for the set, with real constructors (Number, String, Buffer). */
  readonly options: Options;
}

interface StoredSet {
  name: string;
  files: string[];
  options: Record<string, string | boolean>;
}

/** The constructors proto-loader takes for `longs`, `enums` and `bytes`, by the name sets.json gives them. */
const CONSTRUCTORS: Record<string, unknown> = { Number, String, Buffer, Array };

let stored: StoredSet[] | undefined;

/**
 * A set of proto/sets.json, the one definition of which files are loaded with which options; the
 * type generator (scripts/gen-proto-types.mjs) reads the same file, so the generated types are
 * exactly the objects proto-loader hands over. Throws when the set or a constructor name is unknown.
 */
export function protoSet(name: ProtoSetName): ProtoSet {
  stored ??= (JSON.parse(readFileSync(join(protoDir(), 'sets.json'), 'utf8')) as { sets: StoredSet[] }).sets;
  const s = stored.find((x) => x.name === name);
  if (!s) throw new Error(`proto set "${name}" is not in sets.json`);
  const options = Object.fromEntries(
    Object.entries(s.options).map(([k, v]) => {
      if (typeof v !== 'string') return [k, v];
      if (!(v in CONSTRUCTORS)) throw new Error(`proto set "${name}": unknown constructor "${v}" for option ${k}`);
      return [k, CONSTRUCTORS[v]];
    }),
  ) as Options;
  return { files: s.files, options };
}
