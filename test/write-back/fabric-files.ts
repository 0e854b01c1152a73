/** A small valid fabric in hand-written YAML, with comments and several documents per file. */
export const DIR = 'fabrics/east';

export const NAMESPACES = `# Address pools for the east fabric
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: default
spec:
  ranges:
  - from: 1000
    to: 1999
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: IPv4Namespace
metadata:
  name: default
spec:
  subnets: ["10.0.0.0/16"]
`;

/** The first document of VPCS, byte for byte (the file header comment belongs to it). */
export const VPC_1 = `# Tenant VPCs, one document each
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
  labels:
    team: blue # owning team
spec:
  subnets:
    default:
      subnet: 10.0.1.0/24 # first subnet
      vlan: 1001
`;

export const VPC_2 = `---
# the second tenant
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-2}
spec:
  subnets:
    default: {subnet: 10.0.2.0/24, vlan: 1002}
`;

export const VPCS = VPC_1 + VPC_2;

export const files = (): Record<string, string> => ({
  [`${DIR}/namespaces.yaml`]: NAMESPACES,
  [`${DIR}/vpcs.yaml`]: VPCS,
  [`${DIR}/README.md`]: 'not yaml\n',
});

export const vpcSpec = (third: number, vlan: number) => ({
  subnets: { default: { subnet: `10.0.${third}.0/24`, vlan } },
});
