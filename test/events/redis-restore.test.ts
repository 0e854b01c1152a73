/**
 * A Redis crash that restores an older snapshot, for real: a Redis server of this test's own (the
 * machine's redis-server binary, a free port, a temporary directory) takes a snapshot, gets 380
 * more events, is SIGKILLed and starts again from the snapshot. Every resume from before the crash
 * must then get every event or EventsExpiredError: the 380 lost events are never silently skipped,
 * and ids handed out after the restore are above every id handed out before it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventsExpiredError,
  RedisBus,
  type Envelope,
  type EventSubscription,
} from '../../src/events/index.js';
import { freePort } from '../support/free-port.js';
import { recordEvent, take, within } from './support.js';

const SCOPE = 'fab-restore';

/** One redis-server on `dir`: stopping it with SIGKILL is the crash; starting it again loads `dump.rdb`. */
function redisServer(port: number, dir: string) {
  let child: ChildProcess | undefined;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
  ];
  return {
    url: `redis://127.0.0.1:${port}`,
    async start(): Promise<void> {
      child = spawn('redis-server', args, { stdio: 'ignore' });
      // Commands wait in ioredis's queue while it retries the connection until the server listens.
      const probe = new Redis(port, '127.0.0.1', { retryStrategy: () => 20, maxRetriesPerRequest: null });
      probe.on('error', () => undefined);
      await within(probe.ping(), 'redis-server to answer');
      probe.disconnect();
    },
    async crash(): Promise<void> {
      if (!child || child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('RedisBus across a Redis crash that restores an older snapshot', () => {
  let dir: string;
  let server: ReturnType<typeof redisServer>;
  let bus: RedisBus;
  let admin: Redis;
  /** Follows the scope from before the crash, through the restart, on the same bus. */
  let live: EventSubscription<'recordEvents'>;
  const before: Envelope<'recordEvents'>[] = [];

  const publish = (name: string) => bus.publish('recordEvents', SCOPE, recordEvent(SCOPE, name));
  const expectExpired = async (after: string) => {
    const resumed = bus.subscribe('recordEvents', SCOPE, { after });
    await resumed.ready;
    await publish(`probe-after-${after}`); // what a subscriber that silently skipped the gap would get
    await expect(within(resumed.next(), `the resume from ${after}`)).rejects.toBeInstanceOf(
      EventsExpiredError,
    );
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fabric-sync-redis-'));
    server = redisServer(await freePort(), dir);
    await server.start();
    admin = new Redis(server.url);
    bus = new RedisBus({ url: server.url, onError: () => undefined });
    live = bus.subscribe('recordEvents', SCOPE);
    await live.ready;
    for (let i = 0; i < 100; i++) before.push(await publish(`before-snapshot-${i}`));
    await admin.save(); // the snapshot the restart restores
    for (let i = 0; i < 380; i++) before.push(await publish(`lost-${i}`));
    await take(live, before.length);
    admin.disconnect();
    await server.crash();
    await server.start();
    admin = new Redis(server.url);
  }, 60_000);

  afterAll(async () => {
    await bus?.close();
    admin?.disconnect();
    await server?.crash();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers EventsExpiredError to a resume from within the restored history: what followed it is lost', async () => {
    await expectExpired(before[49]!.id);
  });

  it('fails a subscription that followed the scope through the restart with EventsExpiredError', async () => {
    await expect(within(live.next(), 'the live subscription after the restart')).rejects.toBeInstanceOf(
      EventsExpiredError,
    );
  });

  it('hands out ids above every id of before the crash', async () => {
    const after = await publish('after-restore');
    const newest = before.at(-1)!;
    expect(BigInt(after.id) > BigInt(newest.id)).toBe(true);
  });

  it('answers EventsExpiredError to a resume from the last id before the crash, once as many events followed', async () => {
    for (let i = 0; i < 380; i++) await publish(`after-restore-${i}`);
    await expectExpired(before.at(-1)!.id);
  });

  it('still resumes without a gap from an id of after the restore', async () => {
    const first = await publish('resume-from-here');
    const next = [await publish('next-1'), await publish('next-2')];
    const resumed = bus.subscribe('recordEvents', SCOPE, { after: first.id });
    expect(await take(resumed, 2)).toEqual(next);
    await resumed.return();
  });
});
