/**
 * Where RedisBus keeps a scope: a sequence key (INCR), a Stream capped at the history size whose
 * entry ids are the event ids, and the run id of the Redis server that wrote them, all expiring
 * with the scope. One Lua script assigns the id, appends to the history and publishes, atomically,
 * so no two replicas ever publish one scope out of order.
 *
 * Why the run id: Redis may restart from an older snapshot (a crash, a failover to a lagging
 * replica), and then the scope's keys are the snapshot's, without the events published since.
 * Nothing in those keys says so; only the server's run id, new on every start, does. A scope written
 * under another run id starts a new life (event-id.ts) at the Redis clock, above every id handed out
 * before, with an empty history, and until then no resume from it is honoured: whatever followed the
 * snapshot may be lost, so a client resuming from an id of before the restart must resync.
 */
import type { Redis, Result } from 'ioredis';
import { EventBusError, EventsExpiredError } from './errors.js';
import { canResume } from './event-id.js';
import { envelopeFromJson } from './envelope.js';
import type { Envelope, TopicName } from './topics.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    publishFabricEvent(
      sequenceKey: string,
      historyKey: string,
      runKey: string,
      payloadJson: string,
      historySize: number,
      ttlMs: number,
      channel: string,
    ): Result<string, Context>;
  }
}

/** The server's run id, from INFO's `run_id:<40 hex>` line. */
const RUN_ID = /run_id:(\w+)/;
const LUA_RUN_ID = `string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')`;

/** A new life starts at the Redis clock in microseconds, and never below the restored sequence. */
const PUBLISH_SCRIPT = `
local run = ${LUA_RUN_ID}
if redis.call('GET', KEYS[3]) ~= run then
  local now = redis.call('TIME')
  local start = math.max(now[1] * 1000000 + now[2], tonumber(redis.call('GET', KEYS[1]) or '0'))
  redis.call('SET', KEYS[1], string.format('%.0f', start))
  redis.call('DEL', KEYS[2])
  redis.call('SET', KEYS[3], run)
end
local id = string.format('%.0f', redis.call('INCR', KEYS[1]))
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], id .. '-0', 'p', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
redis.call('PUBLISH', ARGV[4], id .. ' ' .. ARGV[1])
return id
`;

export const definePublishScript = (redis: Redis): void =>
  redis.defineCommand('publishFabricEvent', { numberOfKeys: 3, lua: PUBLISH_SCRIPT });

export interface ScopeKeys {
  readonly sequence: string;
  readonly history: string;
  /** The run id of the Redis server that wrote the sequence and history. */
  readonly run: string;
  readonly channel: string;
}

/** The braces are a Redis Cluster hash tag: a scope's keys stay on one node. */
export function scopeKeys(prefix: string, topic: TopicName, scopeId: string): ScopeKeys {
  const scope = `${prefix}{${topic}:${scopeId}}`;
  return { sequence: `${scope}:seq`, history: `${scope}:log`, run: `${scope}:run`, channel: scope };
}

/** A published message is `<id> <payload JSON>`; the channel names the topic and scope. */
export function parseMessage(message: string): { id: number; payloadJson: string } {
  const space = message.indexOf(' ');
  const id = Number(message.slice(0, space));
  if (space < 1 || !Number.isSafeInteger(id)) throw new EventBusError(`malformed event message '${message}'`);
  return { id, payloadJson: message.slice(space + 1) };
}

type StreamEntry = [id: string, fields: string[]];

const entryId = ([id]: StreamEntry): number => Number(id.slice(0, id.indexOf('-')));

const toEnvelope = (topic: TopicName, scopeId: string, entry: StreamEntry): Envelope => {
  const [field, payloadJson] = entry[1];
  if (field !== 'p' || payloadJson === undefined)
    throw new EventBusError(`${topic}/${scopeId}: malformed history entry ${entry[0]}`);
  return envelopeFromJson(topic, scopeId, entryId(entry), payloadJson);
};

/**
 * Reads the bounds and the kept events after `after` in one MULTI, so they agree with each other.
 * A scope last written before Redis restarted has no resumable bounds: only `FROM_OLDEST` reads it.
 */
export async function readHistory(
  redis: Redis,
  keys: ScopeKeys,
  topic: TopicName,
  scopeId: string,
  after: number,
): Promise<Envelope[]> {
  const replies = await redis
    .multi()
    .info('server')
    .get(keys.run)
    .get(keys.sequence)
    .xrange(keys.history, '-', '+', 'COUNT', 1)
    .xrange(keys.history, after === 0 ? '-' : `(${after}-0`, '+')
    .exec();
  const failed = replies?.find(([error]) => error);
  if (!replies || failed)
    throw new EventBusError(`${topic}/${scopeId}: reading history failed`, { cause: failed?.[0] });
  const [info, run, sequence, [first], entries] = replies.map(([, value]) => value) as [
    string,
    string | null,
    string | null,
    StreamEntry[],
    StreamEntry[],
  ];
  const thisLife = run !== null && run === RUN_ID.exec(info)?.[1];
  const bounds = thisLife
    ? { lastId: sequence === null ? undefined : Number(sequence), firstKeptId: first && entryId(first) }
    : {};
  if (!canResume(after, bounds)) throw new EventsExpiredError(topic, scopeId, String(after));
  return entries.map((entry) => toEnvelope(topic, scopeId, entry));
}
