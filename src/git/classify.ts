/**
 * Turns git's stderr (run with LC_ALL=C, so the English messages are stable) into a connection
 * status and a message a person can act on. The raw text is kept short and redacted by the caller.
 */
import type { RemoteStatus } from './types.js';

type FailureStatus = Exclude<RemoteStatus, 'CONNECTED'>;

interface Pattern {
  readonly status: FailureStatus;
  readonly test: RegExp;
  readonly advice: string;
}

const PATTERNS: readonly Pattern[] = [
  {
    status: 'AUTH_FAILED',
    test: /host key verification failed|remote host identification has changed/i,
    advice: "the server's SSH host key is not trusted: add it to the known_hosts file",
  },
  {
    status: 'AUTH_FAILED',
    test: /authentication failed|could not read (username|password)|terminal prompts disabled|access denied|permission denied|returned error: 40[13]|invalid credentials|invalid username or password/i,
    advice:
      'the credentials were refused: check the username, token, password or SSH key and its access to the repository',
  },
  {
    status: 'NOT_FOUND',
    test: /couldn't find remote ref|remote branch .* not found/i,
    advice: 'the branch does not exist in the repository',
  },
  {
    status: 'NOT_FOUND',
    test: /repository (.* )?not found|does not appear to be a git repository|returned error: 404|not a git repository|no such file or directory/i,
    advice: 'no repository at this URL: check the URL',
  },
  {
    status: 'UNREACHABLE',
    test: /could not resolve host|name or service not known|temporary failure in name resolution/i,
    advice: 'the host name does not resolve: check the URL and DNS',
  },
  {
    status: 'UNREACHABLE',
    test: /connection refused|failed to connect|couldn't connect|connection timed out|operation timed out|no route to host|network is unreachable|connection reset|connection closed/i,
    advice: 'the server does not answer: check the URL, port, firewall or proxy',
  },
  {
    status: 'UNREACHABLE',
    test: /ssl|certificate|tls/i,
    advice: "TLS failed: the server's certificate is not trusted or the connection was broken",
  },
];

export interface Failure {
  readonly status: FailureStatus;
  readonly message: string;
}

/** The last meaningful line git printed, without progress noise, cut to a readable length. */
export function lastGitLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l && !/^(hint:|warning: redirecting)/i.test(l));
  const fatal = lines.filter((l) => /^(fatal|error|remote):/i.test(l));
  const line = (fatal.length > 0 ? fatal : lines).at(-1) ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

export function classifyFailure(
  stderr: string,
  { timedOut, timeoutMs }: { timedOut: boolean; timeoutMs: number },
): Failure {
  if (timedOut) return noAnswer('git', timeoutMs);
  const pattern = PATTERNS.find((p) => p.test.test(stderr));
  const detail = lastGitLine(stderr);
  const status = pattern?.status ?? 'UNREACHABLE';
  const advice = pattern?.advice ?? 'git failed';
  return { status, message: detail ? `${advice} (git: ${detail})` : advice };
}

/** An HTTP status other than 200 from the remote, classified as git would classify it. */
export function classifyHttpStatus(status: number): Failure {
  const pattern = PATTERNS.find((p) => p.test.test(`returned error: ${status}`));
  if (pattern) return { status: pattern.status, message: `${pattern.advice} (HTTP ${status})` };
  return {
    status: 'UNREACHABLE',
    message: `the server answered HTTP ${status}: check the URL and the server`,
  };
}

/** What git says for the same network failure, so both paths share one pattern and one advice. */
const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'could not resolve host',
  EAI_AGAIN: 'temporary failure in name resolution',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  EPIPE: 'connection closed',
};

/** A socket error of Node's HTTP client, or undefined for errors only git can judge (TLS trust, proxies). */
export function classifyNetworkError(code: string | undefined): Failure | undefined {
  const phrase = code ? NETWORK_ERRORS[code] : undefined;
  const pattern = phrase ? PATTERNS.find((p) => p.test.test(phrase)) : undefined;
  return pattern && { status: pattern.status, message: `${pattern.advice} (${phrase})` };
}

export const noAnswer = (who: string, timeoutMs: number): Failure => ({
  status: 'UNREACHABLE',
  message: `${who} gave no answer within ${timeoutMs} ms: check the URL, network and proxy`,
});
