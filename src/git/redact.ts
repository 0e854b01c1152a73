/** Removes a repository's secrets (and any URL userinfo) from text before it leaves GitSource. */
import type { RepoAccess } from './types.js';

export type Redact = (text: string) => string;

const MIN_SECRET_LENGTH = 4;

export function redactorFor({ auth }: RepoAccess, extra: Redact = (t) => t): Redact {
  const secrets = [auth.secret, ...(auth.privateKey ?? '').split(/\r?\n/)]
    .map((s) => s?.trim() ?? '')
    .filter((s) => s.length >= MIN_SECRET_LENGTH && !s.startsWith('-----'));
  return (text) => {
    let out = text.replace(/(\/\/)[^/@\s]*@/g, '$1***@');
    for (const secret of secrets) out = out.split(secret).join('***');
    return extra(out);
  };
}
