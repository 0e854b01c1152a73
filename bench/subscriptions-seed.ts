/**
 * The bench's data, written before the server starts so that the server's memory holds none of the
 * seeding work: one namespace per fabric in the cluster, and per fabric the records of every object
 * the writer will create (equal to them, so they turn IN_SYNC).
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:https';
import { toGlobalId } from '../src/api/ids.js';
import { canonicalHash } from '../src/domain/canonical.js';
import { toDesired } from '../src/sync/git-sync/persist.js';
import { planRecordChanges } from '../src/domain/record-plan.js';
import { Redactor } from '../src/security/redactor.js';
import { SecretBox } from '../src/security/secret-box.js';
import { SECRET_SLOTS, Vault } from '../src/security/vault.js';
import { Fabric } from '../src/store/entities/index.js';
import { RecordStore } from '../src/store/record-store.js';
import type { TestDatabase } from '../test/support/database.js';
import type { FabricInfo } from './subscriptions-server.js';
import { benchObject, phaseNames, type KubeAccess } from './subscriptions-writer.js';

export type SeededFabric = Omit<FabricInfo, 'token'>;

function createNamespace(kube: KubeAccess, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/api/v1/namespaces', kube.url),
      {
        method: 'POST',
        agent: new Agent({ ca: kube.caPem }),
        headers: { Authorization: `Bearer ${kube.token}`, 'Content-Type': 'application/json' },
      },
      (res) =>
        res
          .resume()
          .on('end', () =>
            res.statusCode === 201
              ? resolve()
              : reject(new Error(`namespace ${name}: HTTP ${res.statusCode}`)),
          ),
    );
    req.on('error', reject);
    req.end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  });
}

async function seedFabric(
  db: TestDatabase,
  vault: Vault,
  kube: KubeAccess,
  index: number,
): Promise<SeededFabric> {
  const id = randomUUID();
  const info = { id, globalId: toGlobalId('Fabric', id), name: `bench-${index}`, namespace: `ns-${index}` };
  await createNamespace(kube, info.namespace);
  const em = db.orm.em.fork();
  em.persist(
    Object.assign(new Fabric(), {
      id,
      name: info.name,
      clusterServer: kube.url,
      clusterCa: kube.caPem,
      clusterNamespace: info.namespace,
      clusterTokenCiphertext: vault.seal(kube.token, SECRET_SLOTS.fabricClusterToken(id)),
    }),
  );
  await em.flush();
  const desired = ['g', 'w']
    .flatMap((phase) => phaseNames(phase, index))
    .map((name) => benchObject(info.name, info.namespace, name))
    .map((m) => {
      // The row PERSIST would store for `m`, as if read from bench.yaml at commit "bench".
      const record = toDesired(
        { manifest: m, source: { file: 'bench.yaml', documentIndex: 0, line: 1 } },
        canonicalHash(m),
      );
      return { ...record, source: { ...record.source, commit: 'bench' } };
    });
  const records = new RecordStore(db.orm);
  const plan = planRecordChanges(await records.loadExisting(id), desired);
  await records.write({ fabricId: id, plan, references: [], commit: 'bench', tree: null });
  return info;
}

/** `secretKeys`: the key list the server will be started with, so it can open the cluster tokens. */
export async function seedFabrics(
  db: TestDatabase,
  secretKeys: string,
  kube: KubeAccess,
  fabrics: number,
): Promise<SeededFabric[]> {
  const vault = new Vault(SecretBox.fromKeyList(secretKeys), new Redactor());
  const seeded: SeededFabric[] = [];
  for (let i = 0; i < fabrics; i++) seeded.push(await seedFabric(db, vault, kube, i));
  return seeded;
}
