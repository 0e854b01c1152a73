/** Which resources are served: two built-ins plus one entry per established CRD. */
import type { StructuralSchema } from '../../../src/domain/structural-schema.js';
import type { KubeObject, ResourceType } from './types.js';
import { typeKey } from './types.js';

export const NAMESPACES: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  categories: [],
  hasStatus: false,
};

export const CRDS: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  listKind: 'CustomResourceDefinitionList',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  hasStatus: true,
};

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: StructuralSchema };
  subresources?: { status?: unknown };
}

interface CrdSpec {
  group: string;
  scope: string;
  names: {
    kind: string;
    listKind?: string;
    plural: string;
    singular?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions: CrdVersion[];
}

/** The served resource a CRD object defines (its storage version; one version per CRD here). */
export function resourceTypeOf(crd: KubeObject): ResourceType {
  const spec = crd['spec'] as CrdSpec;
  const version = spec.versions.find((v) => v.storage) ?? spec.versions[0];
  if (!version) throw new Error(`CRD ${crd.metadata?.name} has no versions`);
  const { names } = spec;
  return {
    group: spec.group,
    version: version.name,
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
    plural: names.plural,
    singular: names.singular ?? names.kind.toLowerCase(),
    namespaced: spec.scope === 'Namespaced',
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    hasStatus: version.subresources?.status !== undefined,
    ...(version.schema?.openAPIV3Schema ? { schema: version.schema.openAPIV3Schema } : {}),
  };
}

export class ResourceRegistry {
  private readonly byKey = new Map<string, ResourceType>([
    [typeKey(NAMESPACES), NAMESPACES],
    [typeKey(CRDS), CRDS],
  ]);

  add(t: ResourceType): void {
    this.byKey.set(typeKey(t), t);
  }

  remove(t: ResourceType): void {
    this.byKey.delete(typeKey(t));
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    const t = this.byKey.get(`${group}/${plural}`);
    return t && t.version === version ? t : undefined;
  }

  all(): ResourceType[] {
    return [...this.byKey.values()];
  }

  /** The types served under one group version (what its discovery and OpenAPI documents describe). */
  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.version === version);
  }

  /** Custom resource types only, sorted by group then plural. */
  custom(): ResourceType[] {
    return this.all()
      .filter((t) => t !== NAMESPACES && t !== CRDS)
      .sort((a, b) => a.group.localeCompare(b.group) || a.plural.localeCompare(b.plural));
  }

  groupVersions(): { group: string; version: string }[] {
    const seen = new Map<string, { group: string; version: string }>();
    for (const t of this.all())
      if (t.group) seen.set(`${t.group}/${t.version}`, { group: t.group, version: t.version });
    return [...seen.values()].sort((a, b) => a.group.localeCompare(b.group));
  }
}
