/**
 * PARSE: every `*.yaml`/`*.yml` under the directory, streamed, safely parsed; unchanged blobs come
 * from the cache. Within the sync's limits (sync-limits.ts), and paced: the API keeps answering
 * while a large commit parses.
 */
import { SourceFileError } from '../../git/git-error.js';
import { Pacer } from '../pacer.js';
import { OperationFailure, required, type StageResult, throwIfCancelled } from '../stage.js';
import type { GitSyncContext } from './context.js';
import type { ParsedFile } from './parse-cache.js';
import { reparseFile } from './reparse.js';
import { SyncBudget } from './sync-limits.js';

export async function parseFiles(ctx: GitSyncContext, signal: AbortSignal): Promise<StageResult> {
  const fabric = required(ctx.fabric, 'fabric');
  const cached = ctx.deps.parseCache.filesOf(fabric.id);
  const budget = new SyncBudget(ctx.deps.limits, fabric.directory);
  const pacer = new Pacer();
  const files = new Map<string, ParsedFile>();
  let parsed = 0;
  try {
    const stream = ctx.deps.git.readManifestFiles(
      required(ctx.access, 'access'),
      required(ctx.commit, 'commit'),
      fabric.directory,
      {
        excludeDirs: ctx.excludeDirs ?? [],
        // The budget counts the files, not the git layer's own default.
        maxFiles: Number.POSITIVE_INFINITY,
        // Called for every file before any is read: unchanged ones are taken from the cache here.
        include: ({ path, oid, size }) => {
          budget.addFile(size);
          const hit = cached.get(path);
          if (hit?.oid !== oid) return true;
          budget.addDocuments(hit.documentCount);
          files.set(path, hit);
          return false;
        },
      },
    );
    for await (const file of stream) {
      throwIfCancelled(signal);
      parsed += 1;
      // A changed file keeps the parsed objects of its unchanged documents.
      const previous = cached.get(file.path)?.documents;
      const { result, documents } = await pacer.run(reparseFile(file.path, file.content, previous));
      budget.addDocuments(result.documentCount);
      const manifests = result.documents.map((doc) => ({
        manifest: doc.manifest,
        source: { file: file.path, line: doc.line, documentIndex: doc.documentIndex },
      }));
      const { oid } = file;
      files.set(file.path, {
        oid,
        manifests,
        errors: result.errors,
        documents,
        documentCount: result.documentCount,
      });
    }
  } catch (err) {
    if (err instanceof SourceFileError)
      throw new OperationFailure(`${err.problems.length} file(s) cannot be read safely`, err.problems);
    throw err;
  }
  const sorted = [...files.entries()].sort(([a], [b]) => a.localeCompare(b));
  ctx.files = new Map(sorted);
  // Parse results depend only on the blob, so they are kept whatever the later stages decide.
  ctx.deps.parseCache.replace(fabric.id, ctx.files);
  ctx.manifests = sorted.flatMap(([, f]) => f.manifests);
  const errors = sorted.flatMap(([, f]) => f.errors);
  if (errors.length > 0)
    throw new OperationFailure(`${errors.length} YAML error(s) in ${files.size} file(s)`, errors);
  return { counts: { files: files.size, parsed, documents: ctx.manifests.length } };
}
