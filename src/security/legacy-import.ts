import { isJsonObject } from '../domain/manifest.js';
import { decryptFernet } from './fernet.js';

/**
 * Reads the predecessor plugin's (HNP) stored Git credentials so they can be re-encrypted with
 * SecretBox. Its scheme (predecessor.md §3): Fernet key = urlsafe-base64 of the first 32 UTF-8
 * bytes of Django's SECRET_KEY, zero-padded to 32; the token encrypts `json.dumps(credentials)`;
 * the stored `encrypted_credentials` is standard base64 of the token text; "" means none.
 *
 * Accepted export text (JSON): Django `dumpdata` output (`[{ model: "netbox_hedgehog.gitrepository",
 * pk, fields: { name, url, authentication_type, encrypted_credentials } }]`, other models ignored),
 * or plain rows (`[{ id, name, url, authentication_type, encrypted_credentials }]`, e.g. from
 * `SELECT json_agg(r) FROM netbox_hedgehog_gitrepository r`).
 */

/** The fabric-sync repository auth input these credentials map to (CreateRepositoryInput.auth). */
export interface LegacyRepositoryAuth {
  readonly kind: 'NONE' | 'TOKEN' | 'BASIC' | 'SSH_KEY';
  readonly username?: string;
  /** The token (TOKEN, also oauth's access_token) or the password (BASIC). */
  readonly secret?: string;
  readonly privateKey?: string;
  readonly passphrase?: string;
}

export interface LegacyRepository {
  readonly legacyId: string;
  readonly name: string;
  readonly url: string;
  readonly auth: LegacyRepositoryAuth;
}

export interface LegacyImportFailure {
  readonly legacyId: string;
  readonly name: string;
  /** Why this row could not be read; never contains credential text. */
  readonly reason: string;
}

export interface LegacyImport {
  readonly repositories: LegacyRepository[];
  readonly failures: LegacyImportFailure[];
}

/** The predecessor's key derivation, kept only to read its data: no KDF, the raw settings bytes. */
export function legacyFernetKey(djangoSecretKey: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(djangoSecretKey, 'utf8').copy(key, 0, 0, 32);
  return key;
}

/**
 * Decrypts every repository's credentials. A row that cannot be read becomes a failure (with its
 * reason) rather than aborting the rest; the caller decides whether any failure stops the import.
 */
export function decodeLegacyCredentials(exportText: string, legacySecretKey: string): LegacyImport {
  const key = legacyFernetKey(legacySecretKey);
  const result: LegacyImport = { repositories: [], failures: [] };
  for (const row of repositoryRows(exportText)) {
    try {
      result.repositories.push({ ...row.identity, auth: decodeAuth(row.authType, row.encrypted, key) });
    } catch (err) {
      result.failures.push({
        legacyId: row.identity.legacyId,
        name: row.identity.name,
        reason: (err as Error).message,
      });
    }
  }
  return result;
}

interface RepositoryRow {
  readonly identity: Omit<LegacyRepository, 'auth'>;
  readonly authType: string;
  readonly encrypted: string;
}

function repositoryRows(exportText: string): RepositoryRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(exportText);
  } catch {
    // JSON.parse quotes the offending text in its message; the export holds credentials, so it stays out
    throw new Error('legacy export is not valid JSON');
  }
  if (!Array.isArray(parsed))
    throw new Error('legacy export must be a JSON array of rows or dumpdata objects');
  return parsed.flatMap((item: unknown, index) => {
    const row = toRow(item, index);
    return row === null ? [] : [row];
  });
}

function toRow(item: unknown, index: number): RepositoryRow | null {
  if (!isJsonObject(item)) throw new Error(`legacy export item ${index} is not an object`);
  const model = item['model'];
  const isDumpdata = typeof model === 'string';
  if (isDumpdata && !model.endsWith('.gitrepository')) return null;
  const fields = isDumpdata ? item['fields'] : item;
  if (!isJsonObject(fields)) throw new Error(`legacy export item ${index} has no fields`);
  const id = isDumpdata ? item['pk'] : fields['id'];
  if (typeof id !== 'number' && typeof id !== 'string')
    throw new Error(`legacy export item ${index} has no id`);
  const text = (name: string, fallback = '') => (typeof fields[name] === 'string' ? fields[name] : fallback);
  return {
    identity: { legacyId: String(id), name: text('name'), url: text('url') },
    authType: text('authentication_type', 'token'),
    encrypted: text('encrypted_credentials'),
  };
}

function decodeAuth(authType: string, encrypted: string, key: Buffer): LegacyRepositoryAuth {
  if (encrypted.trim() === '') return { kind: 'NONE' };
  const stored = encrypted.trim();
  // tolerate an export that already unwrapped the outer base64: a Fernet token starts with 0x80 = "gA"
  const token = stored.startsWith('gAAAAA') ? stored : Buffer.from(stored, 'base64').toString('latin1');
  const payload = parseDecrypted(decryptFernet(token, key).toString('utf8'));
  const auth = mapPayload(authType, payload);
  const missing = REQUIRED[auth.kind].filter((field) => auth[field] === undefined);
  if (missing.length > 0) throw new Error(`${authType} credentials lack ${missing.join(', ')}`);
  return auth;
}

const REQUIRED: Record<LegacyRepositoryAuth['kind'], readonly (keyof LegacyRepositoryAuth)[]> = {
  NONE: [],
  TOKEN: ['secret'],
  BASIC: ['username', 'secret'],
  SSH_KEY: ['privateKey'],
};

function parseDecrypted(json: string): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    // the parse error would quote the decrypted text, i.e. the credential
    throw new Error('decrypted credentials are not JSON');
  }
  if (!isJsonObject(payload)) throw new Error('decrypted credentials are not a JSON object');
  return payload;
}

/** Payload shapes of predecessor.md §3, including the UI form's `ssh_*` spelling. */
function mapPayload(authType: string, p: Record<string, unknown>): LegacyRepositoryAuth {
  const text = (...names: string[]) =>
    names.map((n) => p[n]).find((v): v is string => typeof v === 'string' && v !== '');
  switch (authType) {
    case 'basic':
      return defined({ kind: 'BASIC', username: text('username'), secret: text('password') });
    case 'ssh_key':
      return defined({
        kind: 'SSH_KEY',
        privateKey: text('private_key', 'ssh_private_key'),
        passphrase: text('passphrase', 'ssh_passphrase'),
      });
    case 'token':
    case 'oauth':
      return defined({ kind: 'TOKEN', secret: text('token', 'access_token') });
    default:
      throw new Error(`unknown authentication_type "${authType}"`);
  }
}

/** Drops absent fields so the result carries only what the payload had. */
const defined = (auth: LegacyRepositoryAuth): LegacyRepositoryAuth =>
  Object.fromEntries(
    Object.entries(auth).filter(([, v]) => v !== undefined),
  ) as unknown as LegacyRepositoryAuth;
