/**
 * Every setting comes from the environment and is validated once, at start-up (style.md §4).
 * An empty value means unset, so `FOO=` in a compose file behaves like no FOO at all.
 */
import path from 'node:path';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;
/** allow: trusted documents can be named by id, others run too; enforce: only they run. */
export const TRUSTED_DOCUMENT_MODES = ['allow', 'enforce'] as const;
export type TrustedDocumentMode = (typeof TRUSTED_DOCUMENT_MODES)[number];

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Unset → embedded PostgreSQL with its data (and socket) in `<dataDir>/pg`. */
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  /** Unset → in-process events (one replica). */
  readonly redisUrl: string | undefined;
  readonly dataDir: string;
  /** Unset → a key file generated in the data directory. */
  readonly secretKeys: string | undefined;
  readonly adminToken: string | undefined;
  /** Who may read /metrics and where (src/api/metrics-endpoint.ts says why these defaults). */
  readonly metrics: {
    /** Bearer token /metrics requires, wherever it is served; unset = none. */
    readonly token: string | undefined;
    /** A listener of its own for /metrics (the API port then has none); unset = the API port. */
    readonly port: number | undefined;
    readonly host: string;
  };
  readonly gitAllowSchemes: readonly string[];
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly logFormat: (typeof LOG_FORMATS)[number];
  readonly production: boolean;
  readonly introspection: boolean;
  readonly maxQueryDepth: number;
  readonly maxQueryCost: number;
  /** Open WebSockets one API token may hold on this replica. */
  readonly maxSocketsPerToken: number;
  readonly clusterConcurrency: number;
  /** Connection failures in a row (no HTTP reply) after which a cluster's pending calls fail at once. */
  readonly clusterMaxConnectionFailures: number;
  /** SIGTERM: how long running operations get to stop at a safe point (CANCELLED) before the process exits. */
  readonly shutdownSeconds: number;
  /** How often this replica looks for fabrics to schedule and watch; 0 = an API-only replica. */
  readonly rescanSeconds: number;
  /** Every watched kind relists this often, however healthy its watch (the backstop for lost cluster state); 0 = never. */
  readonly watchRelistSeconds: number;
  /** A self-heal starts this long after the first drift the watch sees. */
  readonly selfHealDebounceMs: number;
  /** A failed notification is retried after this, 5× and 25× this (src/sync/notifications). */
  readonly notificationRetryBaseMs: number;
  /** Megabytes (an upper bound) of repeated query responses kept per replica; 0 = none. */
  readonly responseCacheMb: number;
  /** src/api/trusted-documents.ts; the status page's own documents are trusted whatever the file. */
  readonly trustedDocuments: {
    /** A client-preset `persistedDocuments` manifest; unset = only the pages' own. */
    readonly file: string | undefined;
    readonly mode: TrustedDocumentMode;
  };
  /** What one git sync may read (src/sync/git-sync/sync-limits.ts says why these defaults). */
  readonly syncLimits: {
    readonly maxFiles: number;
    readonly maxBytes: number;
    readonly maxDocuments: number;
  };
}

interface SettingDoc {
  readonly name: string;
  readonly help: string;
}

/** `npm start -- --help` prints this table; keep it in the order a newcomer needs it. */
export const SETTINGS: readonly SettingDoc[] = [
  { name: 'PORT', help: 'HTTP port for GraphQL, WebSocket, health and metrics (default 4000)' },
  { name: 'HOST', help: 'address to listen on (default 0.0.0.0)' },
  {
    name: 'DATABASE_URL',
    help: 'postgres://… of a PostgreSQL server; unset = embedded PostgreSQL in the data dir',
  },
  { name: 'DATABASE_POOL_SIZE', help: 'connections per replica (default 10)' },
  { name: 'REDIS_URL', help: 'redis://… for events across replicas; unset = in-process events' },
  { name: 'FABRIC_SYNC_DATA_DIR', help: 'embedded database, Git caches and generated keys (default ./data)' },
  {
    name: 'FABRIC_SYNC_SECRET_KEYS',
    help: 'comma-separated encryption keys, first encrypts; unset = generated key file',
  },
  {
    name: 'FABRIC_SYNC_ADMIN_TOKEN',
    help: 'bootstrap admin API token; unset = one is generated and printed once',
  },
  {
    name: 'FABRIC_SYNC_METRICS_TOKEN',
    help: 'bearer token /metrics requires (≥ 32 characters); unset = no token, and on the API port no per-fabric series',
  },
  {
    name: 'METRICS_PORT',
    help: '/metrics on a listener of its own, with every series (the API port then answers 404); unset = the API port',
  },
  { name: 'METRICS_HOST', help: 'address of the METRICS_PORT listener (default 127.0.0.1)' },
  { name: 'FABRIC_SYNC_GIT_ALLOW_SCHEMES', help: 'allowed repository URL schemes (default https,ssh)' },
  { name: 'FABRIC_SYNC_MAX_QUERY_DEPTH', help: 'GraphQL query depth limit (default 12)' },
  { name: 'FABRIC_SYNC_MAX_QUERY_COST', help: 'GraphQL query cost limit (default 50000)' },
  {
    name: 'FABRIC_SYNC_MAX_SOCKETS_PER_TOKEN',
    help: 'open WebSockets per API token per replica; more are closed with 4429 (default 50)',
  },
  { name: 'FABRIC_SYNC_INTROSPECTION', help: 'true/false; default on unless NODE_ENV=production' },
  { name: 'FABRIC_SYNC_CLUSTER_CONCURRENCY', help: 'concurrent requests per cluster (default 16)' },
  {
    name: 'FABRIC_SYNC_CLUSTER_MAX_CONNECTION_FAILURES',
    help: 'connection failures in a row after which an apply stops calling a cluster (default 5)',
  },
  {
    name: 'FABRIC_SYNC_SHUTDOWN_SECONDS',
    help: 'on SIGTERM, time for running operations to stop (CANCELLED) before the process exits (default 25)',
  },
  {
    name: 'FABRIC_SYNC_RESCAN_SECONDS',
    help: 'how often a replica claims fabrics to schedule and watch (default 5; 0 = API only)',
  },
  {
    name: 'FABRIC_SYNC_WATCH_RELIST_SECONDS',
    help: 'how often every watched kind relists even when its watch looks healthy (default 600; 0 = never)',
  },
  {
    name: 'FABRIC_SYNC_SELF_HEAL_DEBOUNCE_MS',
    help: 'wait after the first drift the watch sees before a self-heal starts (default 2000)',
  },
  {
    name: 'FABRIC_SYNC_NOTIFICATION_RETRY_BASE_MS',
    help: 'a failed notification is retried after this, 5 and 25 times this (default 1000)',
  },
  {
    name: 'FABRIC_SYNC_RESPONSE_CACHE_MB',
    help: 'repeated query responses kept per replica, emptied by every write (default 32; 0 = off; PostgreSQL server only)',
  },
  {
    name: 'FABRIC_SYNC_TRUSTED_DOCUMENTS',
    help: 'a client-preset persistedDocuments manifest (hash → document) clients may name by documentId',
  },
  {
    name: 'FABRIC_SYNC_TRUSTED_DOCUMENTS_MODE',
    help: 'allow (default: ids resolve, other documents run too) or enforce (only trusted documents run)',
  },
  { name: 'FABRIC_SYNC_SYNC_MAX_FILES', help: 'YAML files one git sync may read (default 20000)' },
  {
    name: 'FABRIC_SYNC_SYNC_MAX_BYTES',
    help: 'bytes of YAML one git sync may read (default 134217728 = 128 MiB)',
  },
  {
    name: 'FABRIC_SYNC_SYNC_MAX_DOCUMENTS',
    help: 'YAML documents one git sync may parse, empty ones included (default 200000)',
  },
  { name: 'LOG_LEVEL', help: `one of ${LOG_LEVELS.join(', ')} (default info)` },
  { name: 'LOG_FORMAT', help: 'json or pretty (default json)' },
  {
    name: 'NODE_ENV',
    help: 'production turns introspection off by default, and field suggestions in errors off',
  },
];

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid settings:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Collects every problem before failing, so one start-up shows them all. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name}=${raw}: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (!allowed.includes(raw as T)) {
      this.problems.push(`${name}=${raw}: expected one of ${allowed.join(', ')}`);
      return fallback;
    }
    return raw as T;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.oneOf(name, ['true', 'false', '1', '0'], fallback ? 'true' : 'false');
    return raw === 'true' || raw === '1';
  }

  url(name: string, protocols: readonly string[]): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      return raw;
    } catch {
      // The value may hold a password: name the setting, never echo it.
      this.problems.push(`${name}: expected a URL starting with ${protocols.join(' or ')}`);
      return undefined;
    }
  }

  list(name: string, fallback: readonly string[], allowed: readonly string[]): readonly string[] {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const items = raw
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    const unknown = items.filter((item) => !allowed.includes(item));
    if (unknown.length > 0 || items.length === 0) {
      this.problems.push(`${name}=${raw}: allowed values are ${allowed.join(', ')}`);
      return fallback;
    }
    return items;
  }
}

export const GIT_SCHEMES = ['https', 'ssh', 'http', 'file'] as const;

export function loadConfig(env: Env = process.env): Config {
  const read = new Reader(env);
  const production = read.string('NODE_ENV') === 'production';
  const config: Config = {
    port: read.integer('PORT', 4000, 0, 65535),
    host: read.string('HOST') ?? '0.0.0.0',
    databaseUrl: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: read.integer('DATABASE_POOL_SIZE', 10, 1, 200),
    redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:']),
    dataDir: path.resolve(read.string('FABRIC_SYNC_DATA_DIR') ?? 'data'),
    secretKeys: read.string('FABRIC_SYNC_SECRET_KEYS'),
    adminToken: read.string('FABRIC_SYNC_ADMIN_TOKEN'),
    metrics: {
      token: read.string('FABRIC_SYNC_METRICS_TOKEN'),
      port: read.string('METRICS_PORT') === undefined ? undefined : read.integer('METRICS_PORT', 0, 0, 65535),
      host: read.string('METRICS_HOST') ?? '127.0.0.1',
    },
    gitAllowSchemes: read.list('FABRIC_SYNC_GIT_ALLOW_SCHEMES', ['https', 'ssh'], GIT_SCHEMES),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: read.oneOf('LOG_FORMAT', LOG_FORMATS, 'json'),
    production,
    introspection: read.boolean('FABRIC_SYNC_INTROSPECTION', !production),
    maxQueryDepth: read.integer('FABRIC_SYNC_MAX_QUERY_DEPTH', 12, 2, 100),
    maxQueryCost: read.integer('FABRIC_SYNC_MAX_QUERY_COST', 50_000, 10, 10_000_000),
    maxSocketsPerToken: read.integer('FABRIC_SYNC_MAX_SOCKETS_PER_TOKEN', 50, 1, 100_000),
    clusterConcurrency: read.integer('FABRIC_SYNC_CLUSTER_CONCURRENCY', 16, 1, 256),
    clusterMaxConnectionFailures: read.integer('FABRIC_SYNC_CLUSTER_MAX_CONNECTION_FAILURES', 5, 1, 1000),
    shutdownSeconds: read.integer('FABRIC_SYNC_SHUTDOWN_SECONDS', 25, 1, 3600),
    rescanSeconds: read.integer('FABRIC_SYNC_RESCAN_SECONDS', 5, 0, 3600),
    watchRelistSeconds: read.integer('FABRIC_SYNC_WATCH_RELIST_SECONDS', 600, 0, 86_400),
    selfHealDebounceMs: read.integer('FABRIC_SYNC_SELF_HEAL_DEBOUNCE_MS', 2000, 0, 600_000),
    notificationRetryBaseMs: read.integer('FABRIC_SYNC_NOTIFICATION_RETRY_BASE_MS', 1000, 0, 600_000),
    responseCacheMb: read.integer('FABRIC_SYNC_RESPONSE_CACHE_MB', 32, 0, 4096),
    trustedDocuments: {
      file: read.string('FABRIC_SYNC_TRUSTED_DOCUMENTS'),
      mode: read.oneOf('FABRIC_SYNC_TRUSTED_DOCUMENTS_MODE', TRUSTED_DOCUMENT_MODES, 'allow'),
    },
    syncLimits: {
      maxFiles: read.integer('FABRIC_SYNC_SYNC_MAX_FILES', 20_000, 1, 1_000_000),
      maxBytes: read.integer('FABRIC_SYNC_SYNC_MAX_BYTES', 128 * 2 ** 20, 1, 2 ** 40),
      maxDocuments: read.integer('FABRIC_SYNC_SYNC_MAX_DOCUMENTS', 200_000, 1, 100_000_000),
    },
  };
  if (config.adminToken !== undefined && config.adminToken.length < 32) {
    read.problems.push('FABRIC_SYNC_ADMIN_TOKEN: must be at least 32 characters');
  }
  if (config.metrics.token !== undefined && config.metrics.token.length < 32) {
    read.problems.push('FABRIC_SYNC_METRICS_TOKEN: must be at least 32 characters');
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}

export function settingsHelp(): string {
  const width = Math.max(...SETTINGS.map((s) => s.name.length));
  return SETTINGS.map((s) => `  ${s.name.padEnd(width)}  ${s.help}`).join('\n');
}
