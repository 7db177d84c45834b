import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import protobuf from 'protobufjs';

/**
 * The one loader of this package's .proto files, for the server APIs (api/) and for the plugin
 * and host services (catalog/external/), which load different files with different options.
 */

/**
 * The directory holding the .proto files. They are read at run time (tsc does not copy them), so
 * they are looked for, in order: in `$SPIRE_TS_PROTO_DIR`; in this package (found from this
 * module's URL: `dist/proto/` and `src/proto/` are both two levels below the package root); in a
 * `proto` directory beside the running script (for a plugin bundled into one file). Throws,
 * listing the places tried, when none has them.
 */
export function protoDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.SPIRE_TS_PROTO_DIR,
    resolve(here, '..', '..', 'proto'),
    process.argv[1] ? join(dirname(resolve(process.argv[1])), 'proto') : undefined,
  ].filter((d): d is string => d !== undefined && d !== '');
  const dir = candidates.find((d) => existsSync(join(d, 'spire', 'service', 'common', 'config', 'v1', 'config.proto')));
  if (!dir) throw new Error(`proto files not found; looked in: ${candidates.join(', ')}`);
  return dir;
}

/**
 * A getter for the gRPC object tree of `files` (relative to protoDir()) loaded with `options`.
 * The files are read on the first call and kept; throws when a file cannot be read or parsed.
 */
export function lazyProtoRoot(files: readonly string[], options: Options): () => GrpcObject {
  let cached: GrpcObject | undefined;
  return () => {
    cached ??= loadPackageDefinition(loadSync([...files], { ...options, includeDirs: [protoDir()] }));
    return cached;
  };
}

/**
 * The grpc-js client constructor of the service `fullName` (e.g. `spire.api.server.entry.v1.Entry`)
 * in `root`; its `.service` is the definition servers add. Throws `unknown gRPC service <name>`.
 */
export function findService(root: GrpcObject, fullName: string): ServiceClientConstructor {
  let node: unknown = root;
  for (const part of fullName.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  const ctor = node as ServiceClientConstructor | undefined;
  if (typeof ctor !== 'function' || !ctor.service) throw new Error(`unknown gRPC service ${fullName}`);
  return ctor;
}

/**
 * A protobufjs Root of `files` (relative to protoDir()) and their imports, parsed as proto-loader
 * parses them with the same `keepCase`, every type resolved. Imports resolve against protoDir();
 * google/protobuf/* come from protobufjs itself. Throws when a file cannot be read or parsed.
 */
export function loadProtobufRoot(files: readonly string[], keepCase: boolean): protobuf.Root {
  const dir = protoDir();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : existsSync(join(dir, target)) ? join(dir, target) : target);
  root.loadSync([...files], { keepCase });
  root.resolveAll();
  return root;
}
