import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/security/redactor.js';
import { findLeaks } from './support/leak-scan.js';

const SECRETS = ['cluster-token-AAAA', 'repo-password-BBBB'];

describe('findLeaks (support for the global secret-leak test)', () => {
  it('finds raw and encoded secrets and says where, without repeating them', () => {
    const leaks = findLeaks(
      {
        'response 1': `{"data":{"fabric":{"name":"f1"}}}`,
        'log line 7': `clone https://u:${encodeURIComponent(SECRETS[1] ?? '')}@h/r`,
        'events table': Buffer.from(`x${SECRETS[0]}`).toString('base64'),
      },
      SECRETS,
    );
    expect(leaks.map(({ where, secretIndex }) => [where, secretIndex])).toEqual([
      ['log line 7', 1],
      ['events table', 0],
    ]);
    expect(JSON.stringify(leaks)).not.toContain('cluster-token');
  });

  it('finds nothing in text the redactor has processed', () => {
    const redactor = new Redactor();
    SECRETS.forEach((s) => redactor.add(s));
    const text = `${SECRETS[0]} ${Buffer.from(`user:${SECRETS[1]}`).toString('base64')} ${encodeURIComponent(SECRETS[0] ?? '')}`;
    expect(findLeaks({ before: text }, SECRETS)).toHaveLength(2);
    expect(findLeaks({ after: redactor.redact(text) }, SECRETS)).toEqual([]);
  });
});
