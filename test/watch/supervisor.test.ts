/**
 * The watch supervisor on one replica: changes made with kubectl and client-node reach the records'
 * live state and recordEvents in order, and after a cut stream, a forced 410 and an API server
 * restart the record table equals the cluster; watchStatus follows each of these.
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FABRIC_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../../src/cluster/index.js';
import { canonicalHash } from '../../src/domain/canonical.js';
import { formatRef } from '../../src/domain/kinds.js';
import type { Manifest } from '../../src/domain/manifest.js';
import type { FabricStatusEvent, RecordEvent } from '../../src/events/index.js';
import { Fabric } from '../../src/store/entities/index.js';
import { SECRET_SLOTS } from '../../src/security/vault.js';
import type { WatchSupervisor } from '../../src/sync/watch/index.js';
import { generateFabric } from '../support/fixtures/index.js';
import { gvr, liveObjects } from '../sync/live.js';
import { startWatchHarness, type WatchHarness } from './harness.js';
import { follow, type Signals } from './support.js';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const vlanNamespace = (name: string, fabricName: string): Manifest => ({
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  kind: 'VLANNamespace',
  metadata: { name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [FABRIC_LABEL]: fabricName } },
  spec: { ranges: [{ from: 100, to: 200 }] },
});

describe('WatchSupervisor', () => {
  let w: WatchHarness;
  let fabric: Fabric;
  let supervisor: WatchSupervisor;
  let statuses: Signals<FabricStatusEvent>;
  let records: Signals<RecordEvent>;
  const reconnects: string[] = [];
  const stops: (() => Promise<void>)[] = [];
  const manifests = generateFabric();
  const find = (kind: string) => manifests.find((m) => m.kind === kind)!;

  beforeAll(async () => {
    w = await startWatchHarness();
    fabric = await w.sync.createFabric({ name: 'east' });
    await w.sync.seedRecords(fabric.id, manifests);
    const op = await w.sync.run(fabric.id, 'APPLY');
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    const s = await follow(w.sync.events, 'fabricStatus', fabric.id);
    const r = await follow(w.sync.events, 'recordEvents', fabric.id);
    stops.push(s.stop, r.stop);
    statuses = s.signals;
    records = r.signals;
    supervisor = w.supervisor({ onReconnect: (reason) => reconnects.push(reason) });
  }, 90_000);
  afterAll(async () => {
    await supervisor?.stop();
    await Promise.all(stops.map((stop) => stop()));
    await w?.close();
  });

  const watchStatus = (status: string, what: string, from?: number) =>
    statuses.next((e) => e.watchStatus === status, what, from === undefined ? {} : { from });
  const stored = async () => w.sync.fabric(fabric.id);

  /** Every record's live facts and state agree with the cluster as it is now. */
  async function expectRecordsEqualCluster() {
    await supervisor.watcherOf(fabric.id)?.idle();
    const live = await liveObjects(w.sync.api);
    for (const record of await w.sync.records(fabric.id)) {
      const object = live.get(formatRef(record));
      const key = formatRef(record);
      if (!object) {
        expect([record.state, record.liveUid, record.liveResourceVersion], key).toEqual([
          'MISSING',
          null,
          null,
        ]);
        continue;
      }
      expect(record.liveResourceVersion, key).toBe(object.metadata['resourceVersion']);
      expect(record.liveUid, key).toBe(object.metadata['uid']);
      expect(record.liveHash, key).toBe(canonicalHash(object));
      const inSync = record.liveHash === record.canonicalHash;
      expect(inSync ? ['APPLIED', 'IN_SYNC'] : ['DRIFTED'], key).toContain(record.state);
    }
  }

  it('starts the fabric’s watches: STARTING, then ACTIVE, with nothing to report for an unchanged cluster', async () => {
    supervisor.start();
    await watchStatus('ACTIVE', 'the watch to be active');
    expect(statuses.seen.map((e) => e.watchStatus)).toEqual(['STARTING', 'ACTIVE']);
    expect(supervisor.ownedFabricIds()).toEqual([fabric.id]);
    await supervisor.watcherOf(fabric.id)?.idle();
    expect(records.seen).toEqual([]);
    expect((await stored()).watchStatus).toBe('ACTIVE');
    await expectRecordsEqualCluster();
  });

  it('turns kubectl and client-node changes into live state and recordEvents, in order', async () => {
    const vpc = find('VPC');
    const server = find('Server');
    const first = records.seen.length;
    await w.kubectl(
      'patch',
      `vpcs.vpc.githedgehog.com/${vpc.metadata.name}`,
      '--type',
      'merge',
      '-p',
      JSON.stringify({ spec: { subnets: { 'subnet-1': { vlan: 1999 } } } }),
    );
    await w.sync.api.patchNamespacedCustomObject(
      { ...gvr('VPC'), name: vpc.metadata.name, body: { spec: { subnets: { 'subnet-1': { vlan: 1000 } } } } },
      merge,
    );
    await w.kubectl('delete', `servers.wiring.githedgehog.com/${server.metadata.name}`);
    await w.sync.api.createNamespacedCustomObject({
      ...gvr('VLANNamespace'),
      body: vlanNamespace('theirs', 'west'),
    });
    await w.sync.api.createNamespacedCustomObject({
      ...gvr('VLANNamespace'),
      body: vlanNamespace('extra', 'east'),
    });
    await records.next((e) => e.name === 'extra', 'the orphan’s event', { from: first });
    const vpcId = (await w.sync.records(fabric.id)).find(
      (r) => r.kind === 'VPC' && r.name === vpc.metadata.name,
    )?.id;
    expect(records.seen.slice(first).map((e) => [e.type, e.kind, e.name, e.state, e.recordId])).toEqual([
      ['MODIFIED', 'VPC', vpc.metadata.name, 'DRIFTED', vpcId],
      ['MODIFIED', 'VPC', vpc.metadata.name, 'IN_SYNC', vpcId],
      ['DELETED', 'Server', server.metadata.name, 'MISSING', expect.any(String)],
      ['ADDED', 'VLANNamespace', 'extra', 'ORPHANED', undefined],
    ]);
    expect((await stored()).lastWatchEventAt).not.toBeNull();
    await expectRecordsEqualCluster();
  });

  it('after a cut stream, a forced 410 and an API server restart, the records equal the cluster', async () => {
    const sw = find('Switch');
    const server = find('Server');
    const attachment = find('VPCAttachment');
    const from = statuses.seen.length;
    w.sync.kube.faults.dropWatches({ abrupt: true });
    await watchStatus('RECONNECTING', 'the reconnection', from);
    // The watches wait SLOW_RECONNECT before returning: these writes happen while nobody watches,
    // and compaction then forces every kind to relist (410 Gone) instead of resuming.
    await w.sync.api.patchNamespacedCustomObject(
      { ...gvr('Switch'), name: sw.metadata.name, body: { metadata: { labels: { team: 'blue' } } } },
      merge,
    );
    await w.sync.api.deleteNamespacedCustomObject({
      ...gvr('VPCAttachment'),
      name: attachment.metadata.name,
    });
    await w.sync.run(fabric.id, 'APPLY'); // recreates both deleted records' objects
    await w.sync.api.deleteNamespacedCustomObject({ ...gvr('VLANNamespace'), name: 'extra' });
    w.sync.kube.compact();
    await watchStatus('ACTIVE', 'the watch after the relist', from);
    await expectRecordsEqualCluster();
    // The cut streams reconnect after an error; the compacted history makes the resumes expire (410).
    expect(new Set(reconnects)).toEqual(new Set(['error', 'expired']));
    const names = records.seen.slice(-10).map((e) => `${e.type} ${e.kind} ${e.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        `MODIFIED Switch ${sw.metadata.name}`,
        `ADDED Server ${server.metadata.name}`,
        `DELETED VLANNamespace extra`,
      ]),
    );

    const restart = statuses.seen.length;
    await w.sync.kube.stop();
    await watchStatus('RECONNECTING', 'the reconnection after the stop', restart);
    await w.sync.kube.start();
    await watchStatus('ACTIVE', 'the watch after the restart', restart);
    await w.sync.api.patchNamespacedCustomObject(
      { ...gvr('Switch'), name: sw.metadata.name, body: { metadata: { labels: { team: null } } } },
      merge,
    );
    const back = await records.next(
      (e) => e.name === sw.metadata.name && e.state === 'IN_SYNC',
      'the revert',
    );
    expect(back.type).toBe('MODIFIED');
    await expectRecordsEqualCluster();
  }, 30_000);

  it('restarts on new cluster settings: a forbidden token is an ERROR, a good one ACTIVE again', async () => {
    const em = w.sync.db.orm.em.fork();
    const setToken = async (token: string) => {
      const sealed = w.sync.deps.vault.seal(token, SECRET_SLOTS.fabricClusterToken(fabric.id));
      const { clusterGeneration } = await em.findOneOrFail(Fabric, fabric.id, { refresh: true });
      await em.nativeUpdate(
        Fabric,
        { id: fabric.id },
        { clusterTokenCiphertext: sealed, clusterGeneration: clusterGeneration + 1 },
      );
      await supervisor.refresh(fabric.id);
    };
    const from = statuses.seen.length;
    await setToken(w.sync.kube.limitedToken);
    const error = await watchStatus('ERROR', 'the forbidden watch', from);
    expect(error.message).toMatch(/Forbidden|403/);
    expect(statuses.seen.slice(from, from + 2).map((e) => e.watchStatus)).toEqual(['INACTIVE', 'STARTING']);
    const again = statuses.seen.length;
    await setToken(w.sync.kube.token);
    await watchStatus('ACTIVE', 'the watch with a good token', again);
    await expectRecordsEqualCluster();
  }, 30_000);

  it('stops watching a deleted fabric', async () => {
    await w.sync.db.orm.em.fork().nativeDelete(Fabric, { id: fabric.id });
    await supervisor.refresh(fabric.id);
    expect(supervisor.ownedFabricIds()).toEqual([]);
  });
});
