/** PARSE: every `*.yaml`/`*.yml` under the directory, streamed, safely parsed; unchanged blobs come from the cache. */
import { SourceFileError } from '../../git/git-error.js';
import { OperationFailure, required, type StageResult, throwIfCancelled } from '../stage.js';
import type { GitSyncContext } from './context.js';
import type { ParsedFile } from './parse-cache.js';
import { reparseFile } from './reparse.js';

export async function parseFiles(ctx: GitSyncContext, signal: AbortSignal): Promise<StageResult> {
  const fabric = required(ctx.fabric, 'fabric');
  const cached = ctx.deps.parseCache.filesOf(fabric.id);
  const files = new Map<string, ParsedFile>();
  let parsed = 0;
  try {
    const stream = ctx.deps.git.readManifestFiles(
      required(ctx.access, 'access'),
      required(ctx.commit, 'commit'),
      fabric.directory,
      {
        excludeDirs: ctx.excludeDirs ?? [],
        // Called for every file: unchanged ones are taken from the cache here and never read.
        include: ({ path, oid }) => {
          const hit = cached.get(path);
          if (hit?.oid !== oid) return true;
          files.set(path, hit);
          return false;
        },
      },
    );
    for await (const file of stream) {
      throwIfCancelled(signal);
      parsed += 1;
      // A changed file keeps the parsed objects of its unchanged documents.
      const { result, documents } = reparseFile(file.path, file.content, cached.get(file.path)?.documents);
      const manifests = result.documents.map((doc) => ({
        manifest: doc.manifest,
        source: { file: file.path, line: doc.line, documentIndex: doc.documentIndex },
      }));
      files.set(file.path, { oid: file.oid, manifests, errors: result.errors, documents });
    }
  } catch (err) {
    if (err instanceof SourceFileError)
      throw new OperationFailure(
        `${err.problems.length} file(s) cannot be read safely`,
        err.problems.map((p) => ({ ...p })),
      );
    throw err;
  }
  const sorted = [...files.entries()].sort(([a], [b]) => a.localeCompare(b));
  ctx.files = new Map(sorted);
  // Parse results depend only on the blob, so they are kept whatever the later stages decide.
  ctx.deps.parseCache.replace(fabric.id, ctx.files);
  ctx.manifests = sorted.flatMap(([, f]) => f.manifests);
  const errors = sorted.flatMap(([, f]) => f.errors);
  if (errors.length > 0)
    throw new OperationFailure(
      `${errors.length} YAML error(s) in ${files.size} file(s)`,
      errors.map((e) => ({ ...e })),
    );
  return { counts: { files: files.size, parsed, documents: ctx.manifests.length } };
}
