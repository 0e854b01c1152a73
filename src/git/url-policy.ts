/**
 * Which repository URLs fabric-sync may hand to git. Transports that run commands (`ext::`, `fd::`,
 * any `<helper>::<address>`) are refused whatever the setting says; credentials belong in the
 * repository's auth, never in its URL (git would write them into logs and config).
 */
import { DomainError } from '../domain/errors.js';

export const SCHEMES_SETTING = 'FABRIC_SYNC_GIT_ALLOW_SCHEMES';

const SCHEME_ALIASES: Readonly<Record<string, string>> = { 'git+ssh': 'ssh', 'ssh+git': 'ssh' };
const SCP_LIKE = /^(?:[A-Za-z0-9._~][A-Za-z0-9._~-]*@)?[A-Za-z0-9][A-Za-z0-9.-]*:(?!\/\/)[^\s]+$/;
/** `scheme://[user@]host…`: the user and host, as typed. */
const AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:([^/@]*)@)?([^/?#]*)/;

const refuse = (message: string) => new DomainError('BAD_USER_INPUT', `url: ${message}`, { field: 'url' });

/** Returns the URL's transport scheme (`https`, `ssh`, `file`, …) or throws BAD_USER_INPUT. */
export function checkUrl(url: string, allowedSchemes: readonly string[]): string {
  if (!url || /[\s\0-\x1f\x7f]/.test(url)) {
    throw refuse('must be a repository URL without spaces or control characters');
  }
  if (url.startsWith('-') || userAndHost(url).some((name) => name.startsWith('-'))) {
    throw refuse('neither the URL nor its user or host name may start with "-"');
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url)) {
    throw refuse('transports that run commands (such as ext:: and fd::) are never allowed');
  }
  const scheme = schemeOf(url);
  const allowed = allowedSchemes.map((s) => s.trim().toLowerCase());
  if (!allowed.includes(scheme)) {
    throw refuse(
      `scheme "${scheme}" is not allowed; allowed: ${allowed.join(', ') || 'none'} (setting ${SCHEMES_SETTING})`,
    );
  }
  if (hasEmbeddedCredentials(url, scheme)) {
    throw refuse('must not contain credentials; set them in the repository authentication instead');
  }
  return scheme;
}

/**
 * The user and host of a `scheme://` URL, percent-decoded as git decodes them before handing them
 * to ssh, where one starting with '-' would be an option (CVE-2017-1000117).
 */
function userAndHost(url: string): string[] {
  const match = AUTHORITY.exec(url);
  if (!match) return [];
  return [match[1], match[2]].flatMap((typed) => {
    if (typed === undefined) return [];
    let name: string;
    try {
      name = decodeURIComponent(typed);
    } catch {
      throw refuse('the user or host name is not valid percent-encoding');
    }
    if (/[\s\0-\x1f\x7f]/.test(name))
      throw refuse('user and host names may not contain spaces or control characters');
    // git strips the brackets of an IPv6 host before ssh sees it.
    return [name.replace(/^\[/, '')];
  });
}

function schemeOf(url: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  if (match?.[1]) {
    const scheme = match[1].toLowerCase();
    return SCHEME_ALIASES[scheme] ?? scheme;
  }
  if (SCP_LIKE.test(url)) return 'ssh';
  throw refuse(
    'must be a URL such as https://host/org/repo.git, ssh://git@host/org/repo.git or file:///path',
  );
}

function hasEmbeddedCredentials(url: string, scheme: string): boolean {
  if (!url.includes('://')) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new DomainError('BAD_USER_INPUT', 'url: not a valid URL', { field: 'url' }, { cause: err });
  }
  // ssh://git@host is how SSH names the account; a password there, or any user on http(s), is a secret.
  return parsed.password !== '' || (scheme !== 'ssh' && parsed.username !== '');
}
