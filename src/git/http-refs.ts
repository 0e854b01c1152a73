/**
 * One ref of an http(s) remote, read with the single request `git ls-remote` starts with: the
 * smart-HTTP ref advertisement (GET info/refs?service=git-upload-pack, protocol v0). No process is
 * spawned and the connection is kept alive, so polling an unchanged branch costs one round trip (two
 * when the server asks for credentials). Credentials are sent as git sends them: only after the
 * server's Basic challenge. Failures are classified like git's.
 * Whatever only git can judge (redirects, TLS trust from the system store, a dumb server) returns
 * undefined, and the caller asks git itself.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { finished } from 'node:stream/promises';
import { classifyHttpStatus, classifyNetworkError, noAnswer, type Failure } from './classify.js';
import { httpLogin } from './git-env.js';
import { GitError } from './git-error.js';
import type { RepoGit } from './repo-git.js';

const ADVERTISEMENT = 'application/x-git-upload-pack-advertisement';
/** Past this much body after the ref was found, the socket is dropped rather than drained. */
const MAX_DRAIN_BYTES = 1 << 20;

/** The http(s) URL of the advertisement, or undefined for other transports. */
function advertisementUrl(url: string): URL | undefined {
  if (!/^https?:\/\//i.test(url) || /[?#]/.test(url)) return undefined;
  return new URL(`${url.replace(/\/+$/, '')}/info/refs?service=git-upload-pack`);
}

/**
 * `{ tip }` with the ref's commit (tip undefined when the remote has no such ref), undefined when
 * git must answer instead; a refusal or a network failure throws a classified GitError.
 */
export async function httpRefTip(git: RepoGit, ref: string): Promise<{ tip?: string } | undefined> {
  const url = advertisementUrl(git.repo.url);
  if (!url) return undefined;
  const fail = (failure: Failure) =>
    new GitError(failure.status, git.redact(`repository ${git.repo.id}: ${failure.message}`));
  const signal = AbortSignal.timeout(git.timeoutMs);
  /** The timeout, or a socket error git would report the same way; undefined for anything else. */
  const networkFailure = (err: unknown) => {
    if (signal.aborted) return fail(noAnswer('the server', git.timeoutMs));
    const failure = classifyNetworkError((err as NodeJS.ErrnoException).code);
    return failure && fail(failure);
  };
  let response: IncomingMessage | undefined;
  try {
    response = await advertisement(git, url, signal);
  } catch (err) {
    const failure = networkFailure(err);
    if (failure) throw failure;
    return undefined;
  }
  if (!response) return undefined;
  const status = response.statusCode ?? 0;
  // As git compares it: without parameters such as a charset.
  const type = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if ((status >= 300 && status < 400) || (status === 200 && type !== ADVERTISEMENT)) {
    response.destroy();
    return undefined;
  }
  if (status !== 200) {
    response.resume();
    throw fail(classifyHttpStatus(status));
  }
  try {
    return await findRef(response, ref);
  } catch (err) {
    response.destroy();
    const failure = networkFailure(err);
    if (failure) throw failure;
    if (err instanceof AdvertisementError) return undefined;
    throw err;
  }
}

type Login = NonNullable<ReturnType<typeof httpLogin>>;

/**
 * The advertisement, asked for as git asks: without credentials first, so a public repository
 * works even with stale ones and never sees them; after a 401 with a Basic challenge, once more with
 * them on the same connection. Undefined when the challenge is one only git can answer (Negotiate…).
 */
async function advertisement(
  git: RepoGit,
  url: URL,
  signal: AbortSignal,
): Promise<IncomingMessage | undefined> {
  const anonymous = await get(git, url, signal);
  const login = httpLogin(git.repo);
  if (anonymous.statusCode !== 401 || !login) return anonymous;
  if (!offersBasic(anonymous.headers['www-authenticate'])) {
    anonymous.destroy();
    return undefined;
  }
  // Read to the end so the socket goes back to the agent and the retry reuses it.
  anonymous.resume();
  await finished(anonymous);
  return get(git, url, signal, login);
}

/** Whether a WWW-Authenticate value (several headers arrive joined by commas) offers Basic. */
const offersBasic = (challenges: string | undefined) => /(?:^|,)\s*basic(?:\s|,|$)/i.test(challenges ?? '');

function get(git: RepoGit, url: URL, signal: AbortSignal, login?: Login): Promise<IncomingMessage> {
  const https = url.protocol === 'https:';
  const headers: Record<string, string> = {
    'user-agent': 'git/fabric-sync',
    accept: '*/*',
    pragma: 'no-cache',
  };
  if (login)
    headers['authorization'] =
      `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
  const agent = https ? git.agents?.https : git.agents?.http;
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(url, { headers, agent, signal }, resolve);
    req.on('error', reject);
    req.end();
  });
}

class AdvertisementError extends Error {}

/**
 * Reads pkt-lines (`<4 hex length><payload>`, `0000` = flush) until `ref` is found: first
 * `# service=git-upload-pack` and a flush, then `<oid> <ref>[\0capabilities]\n` per ref.
 */
async function findRef(response: IncomingMessage, ref: string): Promise<{ tip?: string }> {
  let buffered: Buffer = Buffer.alloc(0);
  let serviceSeen = false;
  let refs = 0;
  let tip: string | undefined;
  let drained = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (tip !== undefined) {
      // Reading on to the end keeps the connection reusable; a huge advertisement is cut instead.
      drained += chunk.length;
      if (drained > MAX_DRAIN_BYTES) {
        response.destroy();
        break;
      }
      continue;
    }
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    let offset = 0;
    while (tip === undefined && buffered.length - offset >= 4) {
      const hex = buffered.toString('latin1', offset, offset + 4);
      const length = Number.parseInt(hex, 16);
      if (!/^[0-9a-f]{4}$/i.test(hex) || (length > 0 && length < 4))
        throw new AdvertisementError('bad pkt-line');
      if (length === 0) {
        offset += 4;
        continue;
      }
      if (buffered.length - offset < length) break;
      const line = buffered.toString('utf8', offset + 4, offset + length).replace(/\n$/, '');
      offset += length;
      if (!serviceSeen) {
        if (line !== '# service=git-upload-pack') throw new AdvertisementError('not a smart server');
        serviceSeen = true;
        continue;
      }
      // Protocol v2 lists capabilities, not refs, and ERR carries the server's refusal: git tells those.
      if (line === 'version 2' || line.startsWith('ERR ')) throw new AdvertisementError(line);
      refs += 1;
      const [oid = '', name = ''] = line.split('\0', 1)[0]!.split(' ');
      if (name === ref && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(oid)) tip = oid;
    }
    buffered = buffered.subarray(offset);
  }
  // Even an empty repository advertises a capabilities line: no line at all is not an answer.
  if (!serviceSeen || refs === 0) throw new AdvertisementError('empty advertisement');
  return tip === undefined ? {} : { tip };
}
