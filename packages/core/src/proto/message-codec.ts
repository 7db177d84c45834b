import type { Options } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { loadProtobufRoot } from './loader.js';

/**
 * One message type of this package's .proto files, encoded and decoded by protobufjs for bytes
 * that do not travel as a gRPC message (a stored record, a trailer). Objects are converted as
 * proto-loader converts them with the same options, so the types generated into `gen/` with those
 * options describe them: `In` is the generated permissive type (`Foo`), `Out` the restricted one
 * (`Foo__Output`). The .proto file is read on first use; a file that cannot be read or parsed,
 * or a type it does not define, throws then.
 */
export class MessageCodec<In extends object, Out> {
  private type: protobuf.Type | undefined;

  /**
   * @param file - the .proto file defining the type, relative to protoDir() (its imports are
   *   found there too, google/protobuf/* being built into protobufjs).
   * @param typeName - the full name of the message, e.g. `google.rpc.Status`.
   * @param options - proto-loader's options: `keepCase` names the fields, the others convert
   *   decoded values (`longs`, `enums`, `bytes`, `defaults`, `arrays`, `oneofs`).
   */
  constructor(
    private readonly file: string,
    private readonly typeName: string,
    private readonly options: Options,
  ) {}

  private messageType(): protobuf.Type {
    this.type ??= loadProtobufRoot([this.file], this.options.keepCase === true).lookupType(this.typeName);
    return this.type;
  }

  /**
   * Encodes every field `message` sets, as protobufjs does: a scalar set to its default value
   * (0, '', false, empty bytes) is written too. Throws when a value does not fit its field.
   */
  encodeAsSet(message: In): Uint8Array {
    const type = this.messageType();
    return type.encode(type.fromObject(message as Record<string, unknown>)).finish();
  }

  /**
   * Encodes as proto3 encoders (Go's among them) do: a field without explicit presence whose
   * value is its default is left out, at every depth. Throws when a value does not fit its field.
   */
  encode(message: In): Uint8Array {
    const type = this.messageType();
    return type.encode(type.fromObject(withoutDefaults(type, message as Record<string, unknown>))).finish();
  }

  /**
   * Decodes `bytes` into an object shaped as `Out`. Unknown fields are skipped. Throws the
   * protobufjs error on malformed input (a RangeError when the data is truncated).
   */
  decode(bytes: Uint8Array): Out {
    const type = this.messageType();
    return type.toObject(type.decode(bytes), this.options) as Out;
  }
}

/** `message` without the fields proto3 leaves off the wire: implicit-presence scalars at their default, empty repeated fields. */
function withoutDefaults(type: protobuf.Type, message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    const sub = field.resolve().resolvedType;
    if (field.map) out[field.name] = value;
    else if (field.repeated) {
      const items = value as unknown[];
      if (items.length > 0) out[field.name] = sub instanceof protobuf.Type ? items.map((m) => withoutDefaults(sub, m as Record<string, unknown>)) : items;
    } else if (sub instanceof protobuf.Type) out[field.name] = withoutDefaults(sub, value as Record<string, unknown>);
    else if (field.hasPresence || !isDefault(field, value)) out[field.name] = value;
  }
  return out;
}

function isDefault(field: protobuf.Field, value: unknown): boolean {
  if (field.resolvedType instanceof protobuf.Enum) return value === 0 || field.resolvedType.values[value as string] === 0;
  switch (field.type) {
    case 'string':
      return value === '';
    case 'bool':
      return value === false;
    case 'bytes':
      return (value as { length: number }).length === 0;
    default:
      // Numbers of every width, given as a number, a decimal string or a Long.
      return String(value) === '0';
  }
}
