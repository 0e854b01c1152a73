/**
 * Repository-relative paths as the data model stores them: no leading or trailing slash, no `.`
 * or empty segments, "" for the repository root. `..` may step back inside the path but never
 * above the root.
 */
import { DomainError } from './errors.js';

function segments(input: string, field: string): string[] {
  if (/[\0-\x1f\x7f]/.test(input)) {
    throw new DomainError('BAD_USER_INPUT', `${field}: "${input}" contains control characters`, { field });
  }
  const out: string[] = [];
  for (const part of input.trim().split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') out.push(part);
    else if (out.pop() === undefined) {
      throw new DomainError('BAD_USER_INPUT', `${field}: "${input}" leaves the repository`, { field });
    }
  }
  return out;
}

/** "/", "./", "" → ""; "./x/", "/x", "x//y/" → "x", "x/y"; "../x" → BAD_USER_INPUT. */
export function normalizeDirectory(input: string, field = 'directory'): string {
  return segments(input, field).join('/');
}

/** Like normalizeDirectory, for a file: the result must name something below the root and not inside .git. */
export function normalizeFilePath(input: string, field = 'path'): string {
  const parts = segments(input, field);
  if (parts.length === 0)
    throw new DomainError('BAD_USER_INPUT', `${field}: "${input}" names no file`, { field });
  if (parts.some((p) => p.toLowerCase() === '.git')) {
    throw new DomainError('BAD_USER_INPUT', `${field}: "${input}" points into .git`, { field });
  }
  return parts.join('/');
}

/** True when `path` is `dir` itself or below it ("" contains everything). */
export const isWithin = (path: string, dir: string): boolean =>
  dir === '' || path === dir || path.startsWith(`${dir}/`);
