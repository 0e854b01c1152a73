import { LiteralMatcher } from './literal-matcher.js';
import { secretForms } from './secret-forms.js';

export const REDACTED = '[REDACTED]';
/** Shorter values ("admin", "1234") would blank out ordinary words everywhere; patterns still catch them in URLs. */
export const MIN_SECRET_LENGTH = 6;

type Replacer = (match: string, ...groups: string[]) => string;
const keepPrefix: Replacer = (_match, prefix) => `${prefix}${REDACTED}`;

/** Secrets recognisable by their shape, whether or not the redactor was told about them. */
const PATTERNS: readonly (readonly [RegExp, Replacer])[] = [
  // stops at a quote too, so a truncated key inside a JSON log line does not swallow the line's end
  [
    /-----BEGIN ([A-Z0-9 ]*?)PRIVATE KEY-----[^"]*?(?:-----END \1PRIVATE KEY-----|(?="|$))/g,
    () => `${REDACTED} private key`,
  ],
  [/(\bauthorization\b["']?\s*[:=]\s*["']?)[^"'\r\n,;}\\]+/gi, keepPrefix],
  [/(\bBearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, keepPrefix],
  [/(\bBasic\s+)([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/gi, redactBasicCredentials],
  [/\bfst_[A-Za-z0-9_-]{16,}/g, () => REDACTED],
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>\\]+)@/gi, redactUserinfo],
  [/\b([a-z_]*(?:password|passwd|passphrase|pwd|token|secret|api_?key)=)[^&\s#"',;\\]+/gi, keepPrefix],
];

/** HTTP Basic credentials are base64 of `user:password`; prose such as "Basic auth" does not decode to that. */
function redactBasicCredentials(match: string, prefix: string, encoded: string): string {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  return /^[^\p{Cc}\uFFFD]*:[^\p{Cc}\uFFFD]*$/u.test(decoded) ? `${prefix}${REDACTED}` : match;
}

/** `https://token@` and `scheme://user:password@` hide the credential; `ssh://git@` keeps its plain user name. */
function redactUserinfo(_match: string, scheme: string, userinfo: string): string {
  const credential = userinfo.includes(':') || /^https?:\/\/$/i.test(scheme);
  return `${scheme}${credential ? REDACTED : userinfo}@`;
}

/** Object keys whose string values are secrets by name (compared lower-case without `-`/`_`). */
const SENSITIVE_KEY =
  /(password|passphrase|secret|token|apikey|privatekey|authorization|cookie|credentials?)$/;
const isSensitiveKey = (key: string) => SENSITIVE_KEY.test(key.toLowerCase().replace(/[-_]/g, ''));

/**
 * One redactor for the whole process, fed every live secret (cluster tokens, repository
 * credentials, webhook secrets, API tokens at creation): log lines, GraphQL and operation errors,
 * and git/kubectl stderr all pass through it before leaving the process.
 *
 * Each secret of at least MIN_SECRET_LENGTH characters is replaced in its raw, URL-encoded,
 * JSON-escaped and base64 forms; PATTERNS catch unknown secrets by shape. Secrets are counted, so
 * two owners of the same value can each add and remove it.
 */
export class Redactor {
  private readonly counts = new Map<string, number>();
  private matcher: LiteralMatcher | undefined;

  /** Adding a known secret again only counts an owner; a new one extends the matcher in place. */
  add(secret: string | null | undefined): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return;
    const count = this.counts.get(secret) ?? 0;
    this.counts.set(secret, count + 1);
    if (count === 0) this.matcher?.add(secretForms(secret));
  }

  /** Forgets a secret once every owner removed it; the matcher is then rebuilt on next use. */
  remove(secret: string | null | undefined): void {
    const count = secret ? this.counts.get(secret) : undefined;
    if (secret === null || secret === undefined || count === undefined) return;
    if (count > 1) {
      this.counts.set(secret, count - 1);
      return;
    }
    this.counts.delete(secret);
    this.matcher = undefined;
  }

  /** Number of distinct secrets known. */
  get size(): number {
    return this.counts.size;
  }

  redact(text: string): string {
    let result = this.literals().replaceAll(text, REDACTED);
    for (const [pattern, replace] of PATTERNS) result = result.replace(pattern, replace);
    return result;
  }

  /**
   * A copy of `value` with every string redacted and string values under secret-sounding keys
   * (`password`, `token`, `privateKey`, …) replaced whole. Errors stay Errors (same prototype,
   * redacted message, stack and cause) so loggers still serialize them as errors.
   */
  redactDeep<T>(value: T): T {
    return this.deep(value, new WeakMap()) as T;
  }

  private deep(value: unknown, seen: WeakMap<object, unknown>): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (typeof value !== 'object' || value === null || value instanceof Date || ArrayBuffer.isView(value))
      return value;
    const done = seen.get(value);
    if (done !== undefined) return done;
    if (Array.isArray(value)) {
      const copy: unknown[] = [];
      seen.set(value, copy);
      for (const item of value) copy.push(this.deep(item, seen));
      return copy;
    }
    const copy: Record<string, unknown> =
      value instanceof Error
        ? (Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>)
        : {};
    seen.set(value, copy);
    const keys =
      value instanceof Error
        ? ['name', 'message', 'stack', 'cause', 'errors', ...Object.keys(value)]
        : Object.keys(value);
    for (const key of new Set(keys)) {
      const field = (value as Record<string, unknown>)[key];
      if (field === undefined && !(key in value)) continue;
      copy[key] =
        typeof field === 'string' && field !== '' && isSensitiveKey(key) ? REDACTED : this.deep(field, seen);
    }
    return copy;
  }

  private literals(): LiteralMatcher {
    this.matcher ??= new LiteralMatcher([...this.counts.keys()].flatMap(secretForms));
    return this.matcher;
  }
}
