/**
 * The writer of bench/subscriptions.ts, run in a process of its own so that its requests are neither
 * delayed by the 1,000 subscribers' event loop nor delay them: it creates the objects at the planned
 * rate and reports, per write, when it was sent (wall clock, comparable across processes) and how long
 * the API server took to acknowledge it.
 */
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { FABRIC_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../src/cluster/index.js';
import type { Manifest } from '../src/domain/manifest.js';
import type { FabricInfo } from './subscriptions-server.js';

export const FABRICS = Number(process.env['BENCH_FABRICS'] ?? 100);
export const WRITES_PER_SECOND = 500;
export const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 30);
export const WRITES = WRITES_PER_SECOND * SECONDS;

/** Milliseconds since the epoch with sub-millisecond precision: the same clock in every process. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/** What both phases' writer creates and the server seeds as records: equal, so the records turn IN_SYNC. */
export const benchObject = (fabricName: string, namespace: string, name: string): Manifest => ({
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  kind: 'VLANNamespace',
  metadata: { name, namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [FABRIC_LABEL]: fabricName } },
  spec: { ranges: [{ from: 100, to: 200 }] },
});

/** Object names of one phase: `<phase>-<n>`, write n going to fabric n % FABRICS. */
export const phaseNames = (phase: string, fabricIndex: number): string[] => {
  const names: string[] = [];
  for (let n = fabricIndex; n < WRITES; n += FABRICS) names.push(`${phase}-${n}`);
  return names;
};

export interface KubeAccess {
  readonly url: string;
  readonly caPem: string;
  readonly token: string;
}

export type WriterCommand =
  | { type: 'init'; kube: KubeAccess; fabrics: FabricInfo[] }
  /** One object per fabric that no record desires (its event carries no record). */
  | { type: 'warm'; names: string[] }
  /** `writes` objects `<phase>-<n>` at the planned rate, write n going to fabric n % FABRICS. */
  | { type: 'run'; phase: string; writes: number };

export type WriterMessage =
  | { type: 'warmed' }
  | {
      type: 'ran';
      /** Wall-clock send time of write n. */
      sentAt: number[];
      /** Sent → acknowledged, ms, per write. */
      acks: number[];
      failed: number;
      seconds: number;
    };

class Cluster {
  private readonly agent: Agent;
  constructor(private readonly kube: KubeAccess) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 64, ca: kube.caPem });
  }

  create(fabric: FabricInfo, name: string): Promise<number> {
    const object = benchObject(fabric.name, fabric.namespace, name);
    const path = `/apis/wiring.githedgehog.com/v1beta1/namespaces/${fabric.namespace}/vlannamespaces`;
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.kube.url),
        {
          method: 'POST',
          agent: this.agent,
          headers: { Authorization: `Bearer ${this.kube.token}`, 'Content-Type': 'application/json' },
        },
        (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)),
      );
      req.on('error', reject);
      req.end(JSON.stringify(object));
    });
  }
}

async function run(
  cluster: Cluster,
  fabrics: readonly FabricInfo[],
  phase: string,
  count: number,
): Promise<WriterMessage> {
  const sentAt: number[] = [];
  const acks: number[] = [];
  const writes: Promise<number>[] = [];
  const started = performance.now();
  for (let n = 0; n < count; n++) {
    const wait = started + (n * 1000) / WRITES_PER_SECOND - performance.now();
    if (wait > 1) await sleep(wait);
    const sent = performance.now();
    sentAt.push(performance.timeOrigin + sent);
    writes.push(
      cluster.create(fabrics[n % fabrics.length]!, `${phase}-${n}`).then((status) => {
        acks[n] = performance.now() - sent;
        return status;
      }),
    );
  }
  const statuses = await Promise.all(writes);
  return {
    type: 'ran',
    sentAt,
    acks,
    failed: statuses.filter((s) => s !== 201).length,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The writer process: answers the main process's commands until it disconnects. */
export function serveWriter(): void {
  let cluster: Cluster | undefined;
  let fabrics: FabricInfo[] = [];
  const send = (m: WriterMessage) => process.send?.(m);
  process.on('message', (m: WriterCommand) => {
    if (m.type === 'init') {
      cluster = new Cluster(m.kube);
      fabrics = m.fabrics;
    } else if (m.type === 'warm')
      void Promise.all(fabrics.map((f, i) => cluster!.create(f, m.names[i]!))).then(() =>
        send({ type: 'warmed' }),
      );
    else void run(cluster!, fabrics, m.phase, m.writes).then(send);
  });
  process.on('disconnect', () => process.exit(0));
}
