import { describe, expect, it } from 'vitest';
import { isWithin, normalizeDirectory, normalizeFilePath } from '../../src/domain/paths.js';

describe('normalizeDirectory', () => {
  it.each([
    ['', ''],
    ['/', ''],
    ['.', ''],
    ['./', ''],
    ['x', 'x'],
    ['./x/', 'x'],
    ['/x', 'x'],
    ['x//y/', 'x/y'],
    ['x/./y', 'x/y'],
    ['x/../y', 'y'],
    [' fabrics/east ', 'fabrics/east'],
  ])('%j means %j', (input, expected) => {
    expect(normalizeDirectory(input)).toBe(expected);
  });

  it.each(['..', '../x', 'x/../..', '/../etc'])('refuses %j, which leaves the repository', (input) => {
    expect(() => normalizeDirectory(input)).toThrow(/leaves the repository/);
  });

  it('names the field in the error', () => {
    expect(() => normalizeDirectory('a\nb', 'source.directory')).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'source.directory' } }),
    );
  });
});

describe('normalizeFilePath', () => {
  it('normalizes like a directory and requires a name', () => {
    expect(normalizeFilePath('/east/./vpcs.yaml')).toBe('east/vpcs.yaml');
    expect(() => normalizeFilePath('/')).toThrow(/names no file/);
  });

  it('refuses paths into .git', () => {
    expect(() => normalizeFilePath('.git/config')).toThrow(/\.git/);
    expect(() => normalizeFilePath('x/.GIT/hooks/pre-commit')).toThrow(/\.git/);
  });
});

describe('isWithin', () => {
  it('compares whole path segments', () => {
    expect(isWithin('fab/a.yaml', 'fab')).toBe(true);
    expect(isWithin('fab', 'fab')).toBe(true);
    expect(isWithin('fabric/a.yaml', 'fab')).toBe(false);
    expect(isWithin('anything', '')).toBe(true);
  });
});
