/**
 * Lists a fabric's YAML files at a commit and streams their contents. Every file is checked
 * before the first is read (size, count, symlinks that leave the directory), so a refusal lists
 * every offending file at once and nothing is half-read.
 */
import { posix } from 'node:path';
import { isWithin } from '../domain/paths.js';
import { catFileBatch } from './cat-file-batch.js';
import { SourceFileError } from './git-error.js';
import type { RepoGit } from './repo-git.js';
import type { ManifestFile, ReadOptions } from './types.js';

interface TreeEntry {
  readonly mode: string;
  readonly oid: string;
  readonly size: number;
  readonly path: string;
}

/** A directory at a commit: its tree id (null when it does not exist) and everything below it. */
export interface DirectoryListing {
  readonly tree: string | null;
  readonly entries: readonly TreeEntry[];
}

type Problem = { file: string; message: string };

const YAML_FILE = /\.ya?ml$/i;
const SYMLINK_MODE = '120000';
const TREE_MODE = '040000';
export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 10_000;

/** Streams the directory's YAML files; `listing` is listDirectory's answer when the caller has it already. */
export async function* readManifests(
  git: RepoGit,
  commit: string,
  dir: string,
  options: ReadOptions = {},
  listing?: DirectoryListing,
): AsyncGenerator<ManifestFile> {
  const { entries } = listing ?? (await listDirectory(git, commit, dir));
  const wanted = await planRead(git, entries, dir, options);
  let index = 0;
  for await (const blob of catFileBatch(
    git,
    wanted.map((f) => f.oid),
  )) {
    const file = wanted[index++]!;
    yield { path: file.path, content: decode(blob.content), oid: file.oid };
  }
}

/** The files to read, after every safety check has passed for the whole directory. */
async function planRead(
  git: RepoGit,
  listed: readonly TreeEntry[],
  dir: string,
  {
    excludeDirs = [],
    maxFileBytes = DEFAULT_MAX_FILE_BYTES,
    maxFiles = DEFAULT_MAX_FILES,
    include = () => true,
  }: ReadOptions,
): Promise<TreeEntry[]> {
  const entries = listed.filter((e) => !excludeDirs.some((x) => isWithin(e.path, x)));
  const files = entries.filter(
    (e) => e.mode !== SYMLINK_MODE && e.mode.startsWith('100') && YAML_FILE.test(e.path),
  );
  const problems = [
    ...(await escapingSymlinks(git, entries, dir)),
    ...files.filter((f) => f.size > maxFileBytes).map((f) => tooLarge(f, maxFileBytes)),
  ];
  if (files.length > maxFiles) {
    const message = `holds ${files.length} YAML files; the limit is ${maxFiles}`;
    problems.push({ file: dir || '.', message });
  }
  if (problems.length > 0) throw new SourceFileError(problems);
  return files.filter((f) => include({ path: f.path, oid: f.oid, size: f.size }));
}

/**
 * `git ls-tree -r -t --long`: every blob, symlink and tree under dir, with sizes, without reading
 * contents; -t also lists dir itself, so its tree id comes with the same process.
 */
export async function listDirectory(git: RepoGit, commit: string, dir: string): Promise<DirectoryListing> {
  const args = [
    'ls-tree',
    '-r',
    '-t',
    '-z',
    '--long',
    '--full-tree',
    commit,
    ...(dir ? ['--', `${dir}/`] : []),
  ];
  // The root is no entry of its own listing: its tree id comes from rev-parse, run alongside.
  const [{ stdout }, root] = await Promise.all([
    git.local(args),
    dir === '' ? git.local(['rev-parse', '--verify', `${commit}^{tree}`]) : undefined,
  ]);
  const entries = stdout
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode = '', , oid = '', size = '0'] = line.slice(0, tab).split(/\s+/);
      return { mode, oid, size: Number(size) || 0, path: line.slice(tab + 1) };
    });
  if (root) return { tree: root.stdout.toString('utf8').trim(), entries };
  const self = entries.find((e) => e.path === dir);
  const tree = self?.mode === TREE_MODE ? self.oid : null;
  return {
    tree,
    entries: tree === null ? [] : entries.filter((e) => isWithin(e.path, dir) && e.path !== dir),
  };
}

/** A symlink is refused when its target lies outside dir; inside, it is skipped (its target is read itself). */
async function escapingSymlinks(
  git: RepoGit,
  entries: readonly TreeEntry[],
  dir: string,
): Promise<Problem[]> {
  const links = entries.filter((e) => e.mode === SYMLINK_MODE);
  const problems: Problem[] = [];
  let index = 0;
  for await (const blob of catFileBatch(
    git,
    links.map((l) => l.oid),
  )) {
    const link = links[index++]!;
    const target = blob.content.toString('utf8');
    const resolved = posix.normalize(posix.join(posix.dirname(link.path), target));
    if (target.startsWith('/') || resolved.startsWith('..') || (dir !== '' && !isWithin(resolved, dir))) {
      problems.push({
        file: link.path,
        message: `symbolic link to "${target}" leaves the fabric directory "${dir || '.'}"`,
      });
    }
  }
  return problems;
}

const tooLarge = (file: TreeEntry, max: number): Problem => ({
  file: file.path,
  message: `is ${file.size} bytes; the limit is ${max} bytes`,
});

/** UTF-8, without the byte order mark some editors write. */
const decode = (content: Buffer) => content.toString('utf8').replace(/^\uFEFF/, '');
