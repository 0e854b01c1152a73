/**
 * git percent-decodes a URL before it hands user and host to ssh, so the option-like check
 * (CVE-2017-1000117) must look at the decoded names, not at the text as typed.
 */
import { describe, expect, it } from 'vitest';
import { checkUrl } from '../../src/git/url-policy.js';

const SCHEMES = ['https', 'ssh', 'http', 'file'];

const refusal = (url: string) => {
  try {
    checkUrl(url, SCHEMES);
  } catch (err) {
    return err;
  }
  return `${url} was accepted`;
};

describe('checkUrl', () => {
  it.each([
    'ssh://%2DoProxyCommand=touch%20pwned/repo.git',
    'ssh://%2doProxyCommand=touch%20pwned@host/repo.git',
    'ssh://git@%2DoProxyCommand=touch%20pwned/repo.git',
    'git+ssh://%2DoProxyCommand=x/repo.git',
    'ssh://git@host%0Aname/repo.git',
    'ssh://git%20name@host/repo.git',
    'ssh://git@%zz/repo.git',
  ])('refuses %s: its user or host, decoded, is option-like or not a name', (url) => {
    expect(refusal(url)).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'url' } });
  });

  it.each([
    'ssh://git@github.com/org/repo-%2Dx.git',
    'ssh://deploy%2Bops@git.example.com:2222/org/repo.git',
    'ssh://[::1]:22/srv/repo.git',
    'https://git.example.com/org/%2Drepo.git',
  ])('accepts %s: a percent sign elsewhere is not option-like', (url) => {
    expect(checkUrl(url, SCHEMES)).toMatch(/^(ssh|https)$/);
  });
});
