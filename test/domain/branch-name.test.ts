/** branchName agrees with git itself (`git check-ref-format --branch`), plus the 255-byte limit. */
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { branchName } from '../../src/domain/input-rules.js';

const run = promisify(execFile);

async function gitAccepts(branch: string): Promise<boolean> {
  try {
    await run('git', ['check-ref-format', '--branch', branch], { cwd: tmpdir() });
    return true;
  } catch {
    return false;
  }
}

function accepts(branch: string): boolean {
  try {
    return branchName('branch', branch) === branch;
  } catch (err) {
    if (err instanceof DomainError && err.code === 'BAD_USER_INPUT') return false;
    throw err;
  }
}

/** Every ASCII punctuation character and a few others, at the start, inside and at the end of a name. */
const SPECIALS = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ \t\x7f\x01é'];
const NAMES = [
  ...SPECIALS.flatMap((c) => [`${c}a`, `a${c}b`, `a${c}`, `a/${c}b`]),
  ...['a..b', 'a@{1}', 'a/b.lock/c', 'a.lock', 'a.lock.b', 'a//b', 'a/./b', 'a/.b', 'HEAD', 'x/@', '@/x'],
];

describe('branchName', () => {
  it('accepts exactly what git check-ref-format --branch accepts', async () => {
    const disagreements: string[] = [];
    for (const name of NAMES)
      if (accepts(name) !== (await gitAccepts(name)))
        disagreements.push(`${JSON.stringify(name)}: ours ${accepts(name)}`);
    expect(disagreements).toEqual([]);
  });

  it('refuses "@" (which git expands to the current branch) and names over 255 bytes', () => {
    expect(accepts('@')).toBe(false);
    expect(accepts('b'.repeat(255))).toBe(true);
    expect(accepts('b'.repeat(256))).toBe(false);
    expect(accepts('€'.repeat(85))).toBe(true); // 255 bytes
    expect(accepts('€'.repeat(86))).toBe(false);
  });
});
