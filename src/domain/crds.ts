/**
 * apiextensions.k8s.io/v1 CustomResourceDefinitions for the 14 kinds, built from the kind registry
 * and the project's own schemas; the test Kubernetes server installs them (REFERENCE §1.1).
 */
import { KINDS, SUPPORTING_KINDS, type KindInfo } from './kinds.js';
import { objectSchemaOf } from './schemas/index.js';
import type { StructuralSchema } from './structural-schema.js';

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories: string[];
    };
    scope: 'Namespaced';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: StructuralSchema };
      subresources: { status: Record<string, never> };
    }[];
  };
}

function crdOf(info: KindInfo): CustomResourceDefinition {
  const schema = objectSchemaOf(info.kind);
  if (!schema) throw new Error(`no schema for kind ${info.kind}`);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${info.plural}.${info.group}` },
    spec: {
      group: info.group,
      names: {
        kind: info.kind,
        listKind: `${info.kind}List`,
        plural: info.plural,
        singular: info.singular,
        ...(info.shortNames.length > 0 ? { shortNames: [...info.shortNames] } : {}),
        categories: [...info.categories],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: info.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: schema },
          subresources: { status: {} },
        },
      ],
    },
  };
}

/** One CRD per kind: the 12 managed kinds in apply order, then SwitchProfile and ServerProfile. */
export function projectCrds(): CustomResourceDefinition[] {
  return [...KINDS, ...SUPPORTING_KINDS].map(crdOf);
}
