import { describe, expect, it } from 'vitest';
import { classifyFailure, lastGitLine } from '../../src/git/classify.js';

const classify = (stderr: string) => classifyFailure(stderr, { timedOut: false, timeoutMs: 1000 }).status;

/** What hosted Git servers and ssh really print; the local test server cannot produce all of these. */
describe('classifyFailure on messages of real servers', () => {
  it.each([
    [
      "remote: Invalid username or password.\nfatal: Authentication failed for 'https://github.com/o/r.git/'",
      'AUTH_FAILED',
    ],
    [
      "remote: HTTP Basic: Access denied\nfatal: Authentication failed for 'https://gitlab.com/o/r.git/'",
      'AUTH_FAILED',
    ],
    ["fatal: could not read Username for 'https://github.com': terminal prompts disabled", 'AUTH_FAILED'],
    [
      'git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.',
      'AUTH_FAILED',
    ],
    ['Host key verification failed.\nfatal: Could not read from remote repository.', 'AUTH_FAILED'],
    ["fatal: unable to access 'https://h/r.git/': The requested URL returned error: 403", 'AUTH_FAILED'],
    ["remote: Repository not found.\nfatal: repository 'https://github.com/o/r.git/' not found", 'NOT_FOUND'],
    ['ERROR: Repository not found.\nfatal: Could not read from remote repository.', 'NOT_FOUND'],
    ["fatal: '/srv/x.git' does not appear to be a git repository", 'NOT_FOUND'],
    ["fatal: couldn't find remote ref refs/heads/release", 'NOT_FOUND'],
    ["fatal: unable to access 'https://nohost/r.git/': Could not resolve host: nohost", 'UNREACHABLE'],
    ['ssh: Could not resolve hostname nohost: Name or service not known', 'UNREACHABLE'],
    ['ssh: connect to host h port 22: Connection refused', 'UNREACHABLE'],
    [
      "fatal: unable to access 'https://h/r.git/': SSL certificate problem: unable to get local issuer certificate",
      'UNREACHABLE',
    ],
    ['fatal: something nobody expected', 'UNREACHABLE'],
  ])('%s → %s', (stderr, status) => {
    expect(classify(stderr)).toBe(status);
  });

  it('reports a timeout as UNREACHABLE with the limit', () => {
    expect(classifyFailure('', { timedOut: true, timeoutMs: 1500 })).toEqual({
      status: 'UNREACHABLE',
      message: 'git gave no answer within 1500 ms: check the URL, network and proxy',
    });
  });

  it('quotes the last fatal line, not hints or progress', () => {
    expect(lastGitLine('hint: try this\nremote: Counting objects\nfatal: the real reason\nhint: more')).toBe(
      'fatal: the real reason',
    );
  });
});
