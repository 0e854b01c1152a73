/**
 * The offline validator says what the cluster would say. Every scenario — the Hedgehog samples, a
 * generated fabric, the mini fabric with each rule case's edit — goes through validateManifests and, object by object
 * in apply order, through the test kube-apiserver with the fabric's webhooks emulated (defaults and
 * rules). Up to the first object either side refuses, both admit the same objects; that object both
 * refuse, and every reason the server gives is one the validator gives. Later objects are not
 * compared: on a cluster they may fail only because the refused one is missing.
 */
import { ApiException, type CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byApplyOrder, kindInfo } from '../../src/domain/kinds.js';
import { FABRIC_NAMESPACE, type Manifest } from '../../src/domain/manifest.js';
import { validateManifests } from '../../src/domain/validate.js';
import { generateFabric } from '../support/fixtures/index.js';
import { denialMessage } from '../support/kube-apiserver/fabric-webhook-rules.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import { kubeApi } from '../sync/harness.js';
import { fabricWith, miniFabric, sourced } from './mini-fabric.js';
import { VPC_RULE_CASES } from './rule-cases-vpc.js';
import { WIRING_RULE_CASES } from './rule-cases-wiring.js';
import { HAS_SHARED, loadSample } from './shared-data.js';

interface Scenario {
  readonly name: string;
  readonly manifests: () => Manifest[];
}

const ref = (m: Manifest) => ({ kind: m.kind, namespace: FABRIC_NAMESPACE, name: m.metadata.name });
const inApplyOrder = (ms: Manifest[]) => [...ms].sort((a, b) => byApplyOrder(ref(a), ref(b)));
const keyOf = (m: Manifest) => `${m.kind}/${m.metadata.name}`;
/**
 * A reason without list positions: the validator points into the file as written (spec.groups[0]),
 * the cluster only sees the webhook's sorted, defaulted copy (the same group at spec.groups[1]).
 */
const unindexed = (reason: string) => reason.replace(/\[\d+\]/g, '[]');
const samples = (...files: string[]) => files.flatMap((f) => loadSample(f).map((s) => s.manifest));

const LAB_OLD = 'lab-ci_env-ci-1_wiring.251b76f.yaml';
const LAB_NEW = 'lab-ci_env-ci-1_wiring.95ca77d.yaml';
const DEMO = ['demo-gitops_env-1_pre-demo.yaml', 'demo-gitops_env-1_demo.yaml'];

const SAMPLE_SCENARIOS: Scenario[] = HAS_SHARED
  ? [
      { name: `${LAB_OLD} alone`, manifests: () => samples(LAB_OLD) },
      { name: `${LAB_NEW} alone`, manifests: () => samples(LAB_NEW) },
      { name: 'the demo-gitops files alone', manifests: () => samples(...DEMO) },
      { name: `the demo-gitops files on ${LAB_NEW}`, manifests: () => samples(LAB_NEW, ...DEMO) },
    ]
  : [];

// Cases with options need fabric settings the emulated cluster does not take: they run offline only.
const RULE_SCENARIOS: Scenario[] = [...VPC_RULE_CASES, ...WIRING_RULE_CASES]
  .filter((c) => !c.options)
  .map((c) => ({
    name: `rule case: ${c.rule}`,
    manifests: () => [...fabricWith(c.kind, c.name, (m) => c.edit(m.spec!, m)), ...(c.extra ?? [])],
  }));

const SCENARIOS: Scenario[] = [
  { name: 'the valid mini fabric', manifests: miniFabric },
  { name: 'a generated fabric', manifests: () => generateFabric({ seed: 7 }) },
  ...SAMPLE_SCENARIOS,
  ...RULE_SCENARIOS,
];

/** What the server answered for one create: undefined when admitted, else every reason it gave. */
async function create(api: CustomObjectsApi, m: Manifest): Promise<string[] | undefined> {
  const info = kindInfo(m.kind);
  try {
    await api.createNamespacedCustomObject({
      group: info.group,
      version: info.version,
      namespace: FABRIC_NAMESPACE,
      plural: info.plural,
      body: m,
    });
    return undefined;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const status = JSON.parse(String(err.body)) as {
      message: string;
      details?: { causes?: { field?: string; message: string }[] };
    };
    const denied = /denied the request: (.*)$/s.exec(status.message);
    if (denied) return [denied[1]!];
    return (status.details?.causes ?? []).map((c) => denialMessage({ field: c.field, message: c.message }));
  }
}

describe('the offline validator and the emulated cluster agree', () => {
  let kube: KubeApiServer;
  beforeAll(async () => {
    kube = await startKubeApiServer({ emulateFabricWebhooks: true, enforceFabricWebhookRules: true });
  });
  afterAll(() => kube.close());

  it.each(SCENARIOS)('$name', async ({ manifests }) => {
    await kube.restartEmpty();
    const api = kubeApi(kube);
    const objects = inApplyOrder(manifests());
    const offline = new Map<string, string[]>();
    for (const issue of validateManifests(sourced(objects))) {
      const key = `${issue.kind}/${issue.name}`;
      offline.set(key, [...(offline.get(key) ?? []), unindexed(denialMessage(issue))]);
    }
    for (const m of objects) {
      const server = await create(api, m);
      const own = offline.get(keyOf(m));
      expect({ object: keyOf(m), refused: server !== undefined }).toEqual({
        object: keyOf(m),
        refused: own !== undefined,
      });
      if (!server) continue;
      for (const reason of server) expect(own).toContain(unindexed(reason));
      return;
    }
    expect([...offline.keys()]).toEqual([]);
  });
});
