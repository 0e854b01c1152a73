/**
 * What the fabric's Go types add when the mutating webhook re-serialises an object (REFERENCE §1.5
 * "Empty objects from Go JSON marshaling"; githedgehog/fabric api/*\/v1beta1/*_types.go): a member
 * that is a struct, not a pointer, is always written (`omitempty` does not omit structs), and a
 * scalar without `omitempty` is written as its zero value. The API server validates the CRD schema
 * on that result, so ExternalAttachment's required `switch`/`neighbor` are met by `{}`.
 * Only members the Go types declare so are listed; everything else stays absent.
 */
import { isJsonObject, type JsonObject } from '../manifest.js';
import { existingObject, objectAt, type Rule } from './draft.js';

/** How Go writes one member when the object is marshalled. */
type GoMember =
  /** A non-pointer struct: always written, its own members filled in turn. */
  | { readonly struct: GoShape }
  /** A pointer to a struct (`*T`, omitempty): filled only when present. */
  | { readonly pointer: GoShape }
  /** A slice of structs: every item filled. */
  | { readonly items: GoShape }
  /** A map of structs: every value filled. */
  | { readonly values: GoShape }
  /** A scalar without omitempty: its zero value when absent. */
  | { readonly zero: string | number };

type GoShape = Readonly<Record<string, GoMember>>;

const EMPTY: GoShape = {};
const ports = (a: string, b: string): GoShape => ({ [a]: { struct: EMPTY }, [b]: { struct: EMPTY } });
const linkList = (a: string, b: string): GoMember => ({ pointer: { links: { items: ports(a, b) } } });

/** The ACL statement's five members without omitempty (ACLStatement). */
const ACL_STATEMENT: GoShape = {
  seq: { zero: 0 },
  action: { zero: '' },
  protocol: { zero: '' },
  srcPrefix: { zero: '' },
  dstPrefix: { zero: '' },
};

/** Spec shapes by kind; a kind with a webhook but no entry only gets `spec: {}`. */
const SPEC_SHAPES: Readonly<Record<string, GoShape>> = {
  ExternalAttachment: {
    switch: { struct: EMPTY },
    neighbor: { struct: EMPTY },
    static: { pointer: { remoteIP: { zero: '' } } },
    inboundACL: { pointer: { statements: { items: ACL_STATEMENT } } },
  },
  ExternalPeering: { permit: { struct: { vpc: { struct: EMPTY }, external: { struct: EMPTY } } } },
  Switch: { redundancy: { struct: EMPTY }, boot: { struct: EMPTY }, ecmp: { struct: EMPTY } },
  VPC: {
    subnets: {
      values: {
        dhcp: {
          struct: {
            options: { pointer: { interfaceMTU: { zero: 0 }, leaseTimeSeconds: { zero: 0 } } },
            static: { values: { ip: { zero: '' } } },
          },
        },
      },
    },
  },
  Connection: {
    unbundled: { pointer: { link: { struct: ports('server', 'switch') } } },
    bundled: linkList('server', 'switch'),
    mclag: linkList('server', 'switch'),
    eslag: linkList('server', 'switch'),
    mclagDomain: {
      pointer: {
        peerLinks: { items: ports('switch1', 'switch2') },
        sessionLinks: { items: ports('switch1', 'switch2') },
      },
    },
    fabric: linkList('spine', 'leaf'),
    mesh: linkList('leaf1', 'leaf2'),
    gateway: linkList('switch', 'gateway'),
    vpcLoopback: linkList('switch1', 'switch2'),
    external: { pointer: { link: { struct: { switch: { struct: EMPTY } } } } },
    staticExternal: { pointer: { link: { struct: { switch: { struct: EMPTY } } } } },
  },
};

function fill(target: JsonObject, shape: GoShape): void {
  for (const [key, member] of Object.entries(shape)) {
    if ('zero' in member) {
      if (target[key] === undefined || target[key] === null) target[key] = member.zero;
    } else if ('struct' in member) {
      fill(objectAt(target, key), member.struct);
    } else if ('pointer' in member) {
      const present = existingObject(target, key);
      if (present) fill(present, member.pointer);
    } else {
      const shape = 'items' in member ? member.items : member.values;
      const container = target[key];
      const entries = Array.isArray(container)
        ? container
        : isJsonObject(container)
          ? Object.values(container)
          : [];
      for (const entry of entries) if (isJsonObject(entry)) fill(entry, shape);
    }
  }
}

/** Runs after every other default of the kind: Go marshals the struct once Default() is done. */
export const GO_ZERO_VALUE_RULES: readonly Rule[] = Object.entries(SPEC_SHAPES).map(([kind, shape]) => ({
  kind,
  apply: (spec) => fill(spec, shape),
}));
