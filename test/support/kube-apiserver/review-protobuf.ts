/**
 * The Kubernetes protobuf encoding of the two self-subject reviews: kubectl sends built-in types as
 * protobuf (`application/vnd.kubernetes.protobuf`), so `kubectl auth can-i` needs them read. The
 * envelope is "k8s\0" + runtime.Unknown{typeMeta=1, raw=2}; only string fields are used here.
 */
import { badRequest } from './status.js';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Length-delimited fields of one message by field number; other wire types are skipped. */
function fields(message: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= message.length) throw badRequest('truncated protobuf message');
      const byte = message[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < message.length) {
    const key = varint();
    const wire = key % 8;
    if (wire === 0) varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const length = varint();
      out.set(Math.floor(key / 8), message.subarray(at, at + length));
      at += length;
    } else throw badRequest(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}

const text = (message: Buffer | undefined, field: number) =>
  message && fields(message).get(field)?.toString('utf8');

/** `names[i]` is the JSON name of field i+1 (string fields only). */
function strings(message: Buffer | undefined, names: readonly string[]): Record<string, string> | undefined {
  if (!message) return undefined;
  const entries = names.flatMap((name, i) => {
    const value = text(message, i + 1);
    return value ? [[name, value] as const] : [];
  });
  return Object.fromEntries(entries);
}

const RESOURCE_ATTRIBUTES = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];

/** The review's JSON form, as the JSON path of the handler reads it. */
export function decodeReviewProtobuf(body: Buffer): Record<string, unknown> {
  if (!body.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf body without the k8s envelope');
  const unknown = fields(body.subarray(4));
  const typeMeta = unknown.get(1);
  const object = fields(unknown.get(2) ?? Buffer.alloc(0));
  const spec = object.get(2);
  const kind = text(typeMeta, 2);
  if (kind === 'SelfSubjectRulesReview') return { kind, spec: strings(spec, ['namespace']) ?? {} };
  const specFields = spec ? fields(spec) : new Map<number, Buffer>();
  const resourceAttributes = strings(specFields.get(1), RESOURCE_ATTRIBUTES);
  const nonResourceAttributes = strings(specFields.get(2), ['path', 'verb']);
  return {
    ...(kind ? { kind } : {}),
    spec: {
      ...(resourceAttributes ? { resourceAttributes } : {}),
      ...(nonResourceAttributes ? { nonResourceAttributes } : {}),
    },
  };
}
